using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;
using AlphaHost.Host.Cli;

namespace AlphaHost.Tests.Backtest;

public sealed class TearSheetTests
{
    private static readonly DateOnly Start = new(2017, 12, 1);

    [Fact]
    public void ForwardReturn_HorizonH_UsesTheCloseHBarsLaterOfTheSymbolsOwnBars()
    {
        // The symbol did not trade on Dec 5: its 2nd next bar after Dec 1 is Dec 6, not the calendar's Dec 5.
        Bar[] bars = [Bar(new(2017, 12, 1), 100), Bar(new(2017, 12, 4), 110), Bar(new(2017, 12, 6), 121), Bar(new(2017, 12, 7), 99), Bar(new(2017, 12, 8), 200)];

        Assert.Equal((121 / 100.0) - 1, TearSheet.ForwardReturn(bars, new(2017, 12, 1), 2));
        Assert.Equal((200 / 110.0) - 1, TearSheet.ForwardReturn(bars, new(2017, 12, 4), 3));
        Assert.Equal((99 / 121.0) - 1, TearSheet.ForwardReturn(bars, new(2017, 12, 6), 1));
        Assert.Null(TearSheet.ForwardReturn(bars, new(2017, 12, 7), 2));
        Assert.Null(TearSheet.ForwardReturn(bars, new(2017, 12, 5), 1));
    }

    [Fact]
    public void Compute_LastDaysOfTheWindow_AreLeftOutAtEachHorizonNotFilled()
    {
        var history = Market(symbols: 6, days: 30, seed: 1);
        var run = Run(history, days: 30, (symbol, date) => Forward(history, symbol, date, 1) ?? 0.5);

        var sheet = TearSheet.Compute(run, history, new BacktestOptions());

        Assert.Equal(new[] { 1, 5, 10, 20 }, sheet.IcDecay.Select(h => h.Horizon));
        Assert.Equal(new[] { 29, 25, 20, 10 }, sheet.IcDecay.Select(h => h.Days));
        Assert.Equal(new[] { 29, 25, 20, 10 }, sheet.Quintiles.Select(q => q.Days));
    }

    [Fact]
    public void Compute_SignalEqualToTheFiveDayForwardReturn_HasRankIcOneAtFiveDaysAndAPositiveTopMinusBottomSpread()
    {
        var history = Market(symbols: 20, days: 60, seed: 2);
        var run = Run(history, days: 55, (symbol, date) => Forward(history, symbol, date, 5)!.Value);

        var sheet = TearSheet.Compute(run, history, new BacktestOptions());

        var five = sheet.IcDecay.Single(h => h.Horizon == 5);
        Assert.Equal(55, five.Days);
        Assert.Equal(1.0, five.RankMean, 12);
        Assert.Equal(1.0, five.Mean, 12);
        var quintiles = sheet.Quintiles.Single(q => q.Horizon == 5);
        Assert.True(quintiles.TopMinusBottom > 0);
        Assert.Equal(quintiles.Means.Order(), quintiles.Means);
        Assert.Equal(quintiles.Means[4] - quintiles.Means[0], quintiles.TopMinusBottom, 12);
    }

    [Fact]
    public void Compute_SignalsShuffledAcrossSymbols_GiveIcNearZeroAtEveryHorizon()
    {
        var history = Market(symbols: 50, days: 300, seed: 3);
        var rng = new Random(4);
        var run = new BacktestRun();
        foreach (var date in Dates(270))
        {
            var symbols = history.Symbols.Select(s => s.Symbol).ToArray();
            var shuffled = symbols.OrderBy(_ => rng.Next()).ToArray();
            run.SignalDays.Add(new SignalDay(date, symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => Forward(history, shuffled[p.i], date, 5)!.Value)));
        }

        var sheet = TearSheet.Compute(run, history, new BacktestOptions());

        Assert.All(sheet.IcDecay, h =>
        {
            Assert.InRange(h.RankMean, -0.03, 0.03);
            Assert.InRange(h.Mean, -0.03, 0.03);
        });
    }

    [Fact]
    public void Compute_SignalsUnchangedFromDayToDay_HaveRankAutocorrelationOneAndReversedMinusOne()
    {
        var history = Market(symbols: 8, days: 12, seed: 5);
        var rank = history.Symbols.Select((s, i) => (s.Symbol, i)).ToDictionary(p => p.Symbol, p => (double)p.i);
        var steady = Run(history, days: 10, (symbol, _) => rank[symbol]);
        var flipping = Run(history, days: 10, (symbol, date) => date.Day % 2 == 0 ? rank[symbol] : -rank[symbol]);

        var steadySheet = TearSheet.Compute(steady, history, new BacktestOptions());
        var flippingSheet = TearSheet.Compute(flipping, history, new BacktestOptions());

        Assert.Equal(1.0, steadySheet.RankAutocorrelation, 12);
        Assert.Equal(9, steadySheet.RankAutocorrelationDays);
        Assert.Equal(-1.0, flippingSheet.RankAutocorrelation, 12);
    }

    [Fact]
    public void Compute_MonthlyTable_GroupsTheDailyOneDayRankIcByCalendarMonthOfTheSignal()
    {
        var history = Market(symbols: 6, days: 90, seed: 6);
        var signalDays = Dates(90).Where(d => d < new DateOnly(2018, 3, 1)).ToArray();

        // December's signals rank tomorrow's returns exactly (rank IC 1), January's exactly backwards (-1), February's exactly again.
        var run = Run(history, signalDays.Length, (symbol, date) => (date.Month == 1 ? -1 : 1) * Forward(history, symbol, date, 1)!.Value);

        var table = TearSheet.Compute(run, history, new BacktestOptions()).MonthlyRankIc;

        var december = signalDays.Count(d => d.Month == 12);
        var january = signalDays.Count(d => d.Month == 1);
        var february = signalDays.Count(d => d.Month == 2);
        Assert.Equal(new[] { 2017, 2018 }, table.Select(y => y.Year));
        Assert.Equal(new double?[] { null, null, null, null, null, null, null, null, null, null, null, 1.0 }, table[0].Months.Select(m => m is { } v ? Math.Round(v, 12) : (double?)null));
        Assert.Equal(new double?[] { -1.0, 1.0, null, null, null, null, null, null, null, null, null, null }, table[1].Months.Select(m => m is { } v ? Math.Round(v, 12) : (double?)null));
        Assert.Equal(december, table[0].Days);
        Assert.Equal(january + february, table[1].Days);
        Assert.Equal((february - january) / (double)(january + february), table[1].Mean, 12);
    }

    [Fact]
    public void SharpeSignificance_FixedSeries_EqualsThePublishedProbabilisticAndDeflatedSharpe()
    {
        double[] returns = [0.010, -0.004, 0.006, 0.002, -0.008, 0.012, 0.003, -0.001, 0.007, -0.005, 0.004, 0.009];

        // Hand-computed (Python statistics.NormalDist): SR = mean / sample std = 0.459645, population skewness -0.282535 and
        // kurtosis 1.940253; PSR(0) = Φ(SR √11 / √(1 - γ3 SR + (γ4 - 1) / 4 SR²)); SR0(N) = √(1/11) ((1 - γ) Φ⁻¹(1 - 1/N)
        // + γ Φ⁻¹(1 - 1/(N e))); DSR = PSR(SR0).
        var one = SharpeSignificance.Of(returns, trials: 1);
        var ten = SharpeSignificance.Of(returns, trials: 10);
        var hundred = SharpeSignificance.Of(returns, trials: 100);

        Assert.Equal(0.45964456525874803, one.DailySharpe, 12);
        Assert.Equal(-0.28253480248306484, one.Skewness, 10);
        Assert.Equal(1.9402530511898997, one.Kurtosis, 10);
        Assert.Equal(0.9197910937675733, one.Probabilistic, 10);
        Assert.Null(one.Deflated);
        Assert.Null(one.ExpectedMaxDailySharpe);
        Assert.Equal(0.47475925100861976, ten.ExpectedMaxDailySharpe!.Value, 10);
        Assert.Equal(0.48159239913966473, ten.Deflated!.Value, 10);
        Assert.Equal(0.7630054809216187, hundred.ExpectedMaxDailySharpe!.Value, 10);
        Assert.Equal(0.1771172601631394, hundred.Deflated!.Value, 10);
        Assert.Equal(one.DailySharpe * Math.Sqrt(252), one.Sharpe, 12);
    }

    [Fact]
    public void ExcessReturn_StrategyAgainstBenchmark_IsTheAnnualizedMeanAndTrackingErrorOfTheDifference()
    {
        var excess = ExcessReturn.Of([0.02, 0.02, -0.01, 0.01], [0.00, 0.01, 0.00, 0.01]);

        // Differences 0.02, 0.01, -0.01, 0.00: mean 0.005, sample std sqrt(0.0005 / 3).
        Assert.Equal(0.005 * 252, excess.AnnualizedExcessReturn, 12);
        Assert.Equal(Math.Sqrt(0.0005 / 3) * Math.Sqrt(252), excess.TrackingError, 12);
        Assert.Equal(excess.AnnualizedExcessReturn / excess.TrackingError, excess.InformationRatio, 12);
    }

    [Fact]
    public void ReportJson_OfABacktest_ContainsTheTearSheetAndNamesTheGatedSharpe()
    {
        var (report, _) = Report(trials: 1);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, CommonOptions.JsonOutput));
        var root = json.RootElement;
        var sheet = root.GetProperty("tear_sheet");

        Assert.Equal("net", root.GetProperty("gated_sharpe").GetString());
        Assert.Equal(new[] { 1, 5, 10, 20 }, sheet.GetProperty("ic_decay").EnumerateArray().Select(h => h.GetProperty("horizon").GetInt32()));
        Assert.True(sheet.GetProperty("ic_decay")[1].GetProperty("rank_mean").GetDouble() > 0.99);
        Assert.Equal(5, sheet.GetProperty("quintiles")[0].GetProperty("means").GetArrayLength());
        Assert.Equal(report.Strategy.Sharpe, sheet.GetProperty("sharpe_net").GetProperty("sharpe").GetDouble(), 12);
        Assert.Equal(report.StrategyGross.Sharpe, sheet.GetProperty("sharpe_gross").GetProperty("sharpe").GetDouble(), 12);
        Assert.InRange(sheet.GetProperty("sharpe_net").GetProperty("probabilistic").GetDouble(), 0, 1);
        Assert.Equal(JsonValueKind.Null, sheet.GetProperty("sharpe_net").GetProperty("deflated").ValueKind);
        Assert.Equal(1, sheet.GetProperty("trials").GetInt32());
        Assert.Equal(12, sheet.GetProperty("monthly_rank_ic")[0].GetProperty("months").GetArrayLength());
        Assert.True(sheet.GetProperty("excess_net").TryGetProperty("information_ratio", out _));
        Assert.True(sheet.TryGetProperty("rank_autocorrelation", out _));
    }

    [Fact]
    public void ReportMarkdown_SaysWhichSharpeIsGrossAndWhichNetAndThatTheGateReadsTheNetOne()
    {
        var (single, _) = Report(trials: 1);
        var (searched, _) = Report(trials: 20);

        var text = single.ToMarkdown();
        var deflated = searched.ToMarkdown();

        Assert.Contains("| | strategy (net of costs, gated) | strategy (gross, before costs) |", text);
        Assert.Contains("| | net of costs (gated) | gross |", text);
        Assert.Contains("The gate reads the **net** Sharpe", text);
        Assert.Contains("## Tear sheet", text);
        Assert.Contains("![IC decay](ic_decay.png)", text);
        Assert.Contains("Deflated Sharpe ratio: not applicable, 1 configuration tried", text);
        Assert.DoesNotContain("| deflated Sharpe ratio", text);
        Assert.Contains("| deflated Sharpe ratio (20 trials) |", deflated);
        Assert.Contains("| 2017 |", text);
    }

    private static (BacktestReport Report, MarketHistory History) Report(int trials)
    {
        var history = Market(symbols: 10, days: 60, seed: 7);
        var run = Run(history, days: 50, (symbol, date) => Forward(history, symbol, date, 5)!.Value);
        var rng = new Random(8);
        foreach (var date in Dates(50))
        {
            var gross = (rng.NextDouble() - 0.45) * 0.02;
            run.Dates.Add(date);
            run.Gross.Add(gross);
            run.Net.Add(gross - 0.0002);
            run.Benchmark.Add((rng.NextDouble() - 0.5) * 0.02);
            run.Turnover.Add(0.4);
        }

        var options = new BacktestOptions { Trials = trials };
        return (BacktestReport.From(run, options, "test", "models", history, new DatePeriod(Start, Dates(50)[^1]), [], [], TimeProvider.System.GetUtcNow()), history);
    }

    private static BacktestRun Run(MarketHistory history, int days, Func<string, DateOnly, double> signal)
    {
        var run = new BacktestRun();
        foreach (var date in Dates(days))
        {
            run.SignalDays.Add(new SignalDay(date, history.Symbols.ToDictionary(s => s.Symbol, s => signal(s.Symbol, date))));
        }

        return run;
    }

    /// <summary>The test's own forward return (the market has a bar every day): close h days later over today's close.</summary>
    private static double? Forward(MarketHistory history, string symbol, DateOnly date, int horizon)
    {
        var bars = history.Symbols.Single(s => s.Symbol == symbol).Bars.ToArray();
        var today = Array.FindIndex(bars, b => b.Date == date);
        return today + horizon < bars.Length ? (bars[today + horizon].Close / bars[today].Close) - 1 : null;
    }

    /// <summary>Random-walk closes on weekdays from <see cref="Start"/>, every symbol trading every day.</summary>
    private static MarketHistory Market(int symbols, int days, int seed)
    {
        var rng = new Random(seed);
        var dates = Dates(days);
        var series = Enumerable.Range(0, symbols).Select(i =>
        {
            var close = 100.0;
            var bars = dates.Select(d => Bar(d, close *= 1 + ((rng.NextDouble() - 0.5) * 0.04))).ToArray();
            return new SymbolHistory(new SymbolInfo($"S{i:00}", $"Stock {i}", "Test"), bars);
        }).ToArray();
        return new MarketHistory(series, null, "test market");
    }

    private static DateOnly[] Dates(int count)
    {
        var dates = new List<DateOnly>(count);
        for (var d = Start; dates.Count < count; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                dates.Add(d);
            }
        }

        return [.. dates];
    }

    private static Bar Bar(DateOnly date, double close) => new(date, close, close, close, close, 1_000);
}
