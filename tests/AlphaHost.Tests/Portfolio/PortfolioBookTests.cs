using System.Diagnostics.Metrics;
using System.Text.Json;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Portfolio;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlphaHost.Tests.Portfolio;

public sealed class PortfolioBookTests
{
    private static readonly Dictionary<string, double> First = new() { ["A"] = 4, ["B"] = 3, ["C"] = 2, ["D"] = 1 };

    // B and C swap places: A and D keep their targets, B and C move by 2/8.
    private static readonly Dictionary<string, double> Second = new() { ["A"] = 4, ["B"] = 2, ["C"] = 3, ["D"] = 1 };

    [Fact]
    public void Rebalance_DefaultOptions_TradesTheWholeTargetWithItsTurnover()
    {
        var book = new PortfolioBook(new PortfolioOptions());

        var first = book.Rebalance(First, null);
        var second = book.Rebalance(Second, null);

        Assert.Equal(TargetWeights.Of(Second, null, new PortfolioOptions()), second.Weights);
        Assert.Equal(1.0, first.Turnover, 12);
        Assert.Equal(0.5, second.Turnover, 12);
    }

    [Fact]
    public void Rebalance_NoTradeBand_KeepsPositionsWhoseTargetIsWithinTheBand()
    {
        var book = new PortfolioBook(new PortfolioOptions { NoTradeBand = 0.3 });
        var start = book.Rebalance(First, null).Weights;
        var wider = new Dictionary<string, double> { ["A"] = 4, ["B"] = 1, ["C"] = 2, ["D"] = 3 };

        var kept = book.Rebalance(Second, null);
        var moved = book.Rebalance(wider, null);

        Assert.Equal(start, kept.Weights);
        Assert.Equal(0.0, kept.Turnover);
        var target = TargetWeights.Of(wider, null, new PortfolioOptions());
        Assert.Equal(target["B"], moved.Weights["B"], 12);
        Assert.Equal(target["D"], moved.Weights["D"], 12);
        Assert.Equal(start["A"], moved.Weights["A"], 12);
    }

    [Fact]
    public void Rebalance_PartialFraction_MovesThatFractionOfTheWay()
    {
        var book = new PortfolioBook(new PortfolioOptions { RebalanceFraction = 0.25 });

        var first = book.Rebalance(First, null).Weights;
        var second = book.Rebalance(Second, null).Weights;

        var target = TargetWeights.Of(First, null, new PortfolioOptions());
        var next = TargetWeights.Of(Second, null, new PortfolioOptions());
        Assert.All(target, p => Assert.Equal(0.25 * p.Value, first[p.Key], 12));
        Assert.All(next, p => Assert.Equal(first[p.Key] + (0.25 * (p.Value - first[p.Key])), second[p.Key], 12));
    }

    [Fact]
    public void Rebalance_HorizonDays_HoldsTheMeanOfTheLastTargetsAsTranches()
    {
        var book = new PortfolioBook(new PortfolioOptions { HorizonDays = 3 });
        var random = new Random(3);
        var days = Enumerable.Range(0, 5).Select(_ => PortfolioMarket.RandomSignals(random, ["A", "B", "C", "D", "E", "F"])).ToArray();
        var targets = days.Select(d => TargetWeights.Of(d, null, new PortfolioOptions())).ToArray();

        var held = days.Select(d => book.Rebalance(d, null).Weights).ToArray();

        foreach (var symbol in targets[0].Keys)
        {
            Assert.Equal(targets[0][symbol], held[0][symbol], 12);
            Assert.Equal((targets[0][symbol] + targets[1][symbol]) / 2, held[1].GetValueOrDefault(symbol), 12);
            Assert.Equal((targets[2][symbol] + targets[3][symbol] + targets[4][symbol]) / 3, held[4].GetValueOrDefault(symbol), 12);
        }
    }

    [Fact]
    public void Parse_PortfolioSection_ReadsEveryKeyAndDefaultsToTheRankBook()
    {
        var options = ConfigLoader.Parse("c.yaml",
            "portfolio:\n  rule: sector_neutral\n  vol_scaling: true\n  risk_window_days: 40\n  no_trade_band: 0.001\n  rebalance_fraction: 0.5\n  horizon_days: 5\n").Portfolio;

        Assert.Equal(new PortfolioOptions { Rule = PortfolioRule.SectorNeutral, VolScaling = true, RiskWindowDays = 40, NoTradeBand = 0.001, RebalanceFraction = 0.5, HorizonDays = 5 }, options);
        Assert.Equal(new PortfolioOptions(), ConfigLoader.Parse("c.yaml", "host:\n  cycle_interval: 1s\n").Portfolio);
    }

    [Fact]
    public void Parse_UnknownPortfolioRule_NamesTheKey()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("c.yaml", "portfolio:\n  rule: momentum_tilt\n"));

        Assert.Contains("portfolio.rule", error.Message, StringComparison.Ordinal);
        Assert.Contains("sector_neutral", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_CombinedSignals_WritesTheTargetBookWithRuleAndExposures()
    {
        var folder = Directory.CreateTempSubdirectory("portfolio-").FullName;
        try
        {
            using var meter = new Meter("PortfolioBookTests");
            var file = new PortfolioTargetFile(folder, meter, NullLogger.Instance);
            var snapshot = PortfolioMarket.WithBetas([1, 1, 1, 1]);
            var signals = snapshot.Symbols.Select((h, i) => KeyValuePair.Create(h.Symbol, (double)i)).ToArray();

            file.Write(snapshot, signals, new PortfolioOptions { HorizonDays = 2 });

            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "portfolio", "latest.json")));
            var root = json.RootElement;
            Assert.Equal("2020-04-30", root.GetProperty("date").GetString());
            Assert.Equal("rank", root.GetProperty("rule").GetString());
            Assert.Contains("horizon_days 2", root.GetProperty("settings").GetString(), StringComparison.Ordinal);
            Assert.Equal(1.0, root.GetProperty("gross").GetDouble(), 12);
            Assert.Equal(0.0, root.GetProperty("net").GetDouble(), 12);
            Assert.Equal(-0.375, root.GetProperty("weights").GetProperty("S00").GetDouble(), 12);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Write_UnwritableFolder_LogsAndGoesOn()
    {
        var folder = Directory.CreateTempSubdirectory("portfolio-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "portfolio"), "a file where the folder should be");
            using var meter = new Meter("PortfolioBookTests");
            var logger = new Support.CapturingLogger();
            var file = new PortfolioTargetFile(folder, meter, logger);
            var snapshot = PortfolioMarket.WithBetas([1, 1, 1]);

            file.Write(snapshot, snapshot.Symbols.Select((h, i) => KeyValuePair.Create(h.Symbol, (double)i)), new PortfolioOptions());

            Assert.Contains(logger.Events, e => e.Message.Contains("not written", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
