using System.Diagnostics.Metrics;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Storage;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Portfolio;

/// <summary>
/// The daemon's side of the portfolio stage: each cycle, the book the backtest would hold from the combined signal
/// (<see cref="PortfolioBook"/>, the config's <c>portfolio:</c> section) is written atomically to
/// <c>runtime/portfolio/latest.json</c>, and its gross and net exposure and turnover are gauges
/// (<c>alphahost_portfolio_gross</c>, <c>alphahost_portfolio_net</c>, <c>alphahost_portfolio_turnover</c>). A changed
/// section starts a new book (its tranches and band apply from there). A file that cannot be written is logged, once a
/// cycle, and the cycle goes on.
/// </summary>
internal sealed class PortfolioTargetFile
{
    public const string FileName = "latest.json";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
    private readonly string _path;
    private readonly ILogger _logger;
    private PortfolioBook? _book;
    private PortfolioStep? _last;

    public PortfolioTargetFile(string runtimeDir, Meter meter, ILogger logger)
    {
        _path = Path.Combine(runtimeDir, "portfolio", FileName);
        _logger = logger;
        meter.CreateObservableGauge<double>("alphahost_portfolio_gross", () => Last(s => s.Gross), description: "Gross exposure (sum |weight|) of the last cycle's target book");
        meter.CreateObservableGauge<double>("alphahost_portfolio_net", () => Last(s => s.Net), description: "Net exposure (sum of weights) of the last cycle's target book");
        meter.CreateObservableGauge<double>("alphahost_portfolio_turnover", () => Last(s => s.Turnover), description: "Turnover (sum |weight change|) of the last cycle's target book");
    }

    public string PathName => _path;

    /// <summary>Moves the book to this cycle's combined signals and writes it.</summary>
    public void Write(MarketSnapshot snapshot, IEnumerable<KeyValuePair<string, double>> signals, PortfolioOptions options)
    {
        if (_book?.Options != options)
        {
            _book = new PortfolioBook(options);
        }

        var step = _book.Rebalance(signals.ToDictionary(StringComparer.Ordinal), snapshot);
        _last = step;
        var target = new PortfolioTarget(snapshot.Date, snapshot.Cycle, PortfolioRules.Name(options.Rule), options.Describe(), step.Gross, step.Net, step.Turnover,
            new SortedDictionary<string, double>(step.Weights.ToDictionary(), StringComparer.Ordinal));
        try
        {
            AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(target, Json), durable: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Portfolio target {Path} not written: {Reason}", _path, ex.Message);
        }
    }

    private IEnumerable<Measurement<double>> Last(Func<PortfolioStep, double> figure) => _last is { } step ? [new Measurement<double>(figure(step))] : [];
}

/// <summary><c>runtime/portfolio/latest.json</c>: one cycle's target book.</summary>
internal sealed record PortfolioTarget(
    DateOnly Date,
    long Cycle,
    string Rule,
    string Settings,
    double Gross,
    double Net,
    double Turnover,
    IReadOnlyDictionary<string, double> Weights);
