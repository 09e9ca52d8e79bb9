using AlphaHost.Abstractions;

namespace AlphaHost.Host.Market;

/// <summary>
/// The built-in market: a deterministic generator (same seed, same market) of daily OHLCV bars for a universe
/// spread over eleven sectors, plus a benchmark. Returns follow a one-factor model with sector factors, and the
/// market switches between a calm bull regime and a volatile bear regime (a two-state Markov chain), so regime,
/// momentum and reversal all have something real to find. About one symbol in twenty lists later than the
/// others, so short histories occur as they do in real data. It never runs out of days.
/// </summary>
internal sealed class SampleMarket : IMarketFeed
{
    private static readonly string[] Sectors =
    [
        "Information Technology", "Health Care", "Financials", "Consumer Discretionary", "Communication Services",
        "Industrials", "Consumer Staples", "Energy", "Utilities", "Real Estate", "Materials",
    ];

    private static readonly DateOnly FirstDay = new(2015, 1, 2);

    private readonly Random _random;
    private readonly Stock[] _stocks;
    private readonly double[] _sectorShock = new double[Sectors.Length];
    private double _benchmarkClose = 200.0;
    private bool _bear;
    private DateOnly _date;
    private int _dayIndex;

    public SampleMarket(int seed, int symbols)
    {
        _random = new Random(seed);
        _stocks = new Stock[symbols];
        for (var i = 0; i < symbols; i++)
        {
            var sector = i % Sectors.Length;
            var info = new SymbolInfo(Ticker(i), $"Sample Company {i + 1:D3}", Sectors[sector]);
            _stocks[i] = new Stock(
                info,
                sector,
                Beta: 0.6 + _random.NextDouble(),
                IdiosyncraticVol: 0.008 + (0.017 * _random.NextDouble()),
                Drift: 0.0002 * ((2 * _random.NextDouble()) - 1),
                ListingDay: _random.NextDouble() < 0.05 ? 200 + _random.Next(600) : 0,
                BaseVolume: Math.Exp(13 + (2 * _random.NextDouble())))
            {
                Close = 10 + (290 * _random.NextDouble()),
            };
        }

        Universe = _stocks.Select(s => s.Info).ToArray();
        Description = $"sample(seed={seed}, symbols={symbols})";
        _date = FirstDay.AddDays(-1);
    }

    public string Description { get; }

    public IReadOnlyList<SymbolInfo> Universe { get; }

    public SymbolInfo Benchmark { get; } = new("SPY", "Sample Market Index", "Benchmark");

    public IReadOnlyList<DataIssue> LoadIssues { get; } = [];

    public DateOnly? LastDay => null;

    /// <summary>Every weekday from the first day on (the sample market has no holidays).</summary>
    public DateOnly? DateOf(int index)
    {
        if (index < 0)
        {
            return null;
        }

        var date = FirstDay;
        for (var i = 0; i < index; i++)
        {
            date = NextWeekday(date);
        }

        return date;
    }

    public bool TryNextDay(out MarketDay day)
    {
        _date = NextWeekday(_date);
        _bear = _bear ? _random.NextDouble() > 0.02 : _random.NextDouble() < 0.006;
        var (mean, vol) = _bear ? (-0.0008, 0.022) : (0.0006, 0.008);
        var market = mean + (vol * Normal());
        for (var s = 0; s < _sectorShock.Length; s++)
        {
            _sectorShock[s] = 0.006 * Normal();
        }

        var bars = new Dictionary<string, Bar>(_stocks.Length, StringComparer.Ordinal);
        foreach (var stock in _stocks)
        {
            var idiosyncratic = stock.IdiosyncraticVol * (_bear ? 1.5 : 1.0) * Normal();
            var logReturn = stock.Drift + (stock.Beta * market) + _sectorShock[stock.Sector] + idiosyncratic;
            var bar = MakeBar(_date, stock.Close, logReturn, stock.IdiosyncraticVol + vol, stock.BaseVolume);
            stock.Close = bar.Close;
            if (_dayIndex >= stock.ListingDay)
            {
                bars[stock.Info.Symbol] = bar;
            }
        }

        var benchmark = MakeBar(_date, _benchmarkClose, market, vol, 8e7);
        _benchmarkClose = benchmark.Close;
        _dayIndex++;
        day = new MarketDay(_date, bars, benchmark);
        return true;
    }

    private Bar MakeBar(DateOnly date, double previousClose, double logReturn, double dailyVol, double baseVolume)
    {
        var open = previousClose * Math.Exp((0.3 * logReturn) + (0.1 * dailyVol * Normal()));
        var close = previousClose * Math.Exp(logReturn);
        var high = Math.Max(open, close) * Math.Exp(0.5 * dailyVol * Math.Abs(Normal()));
        var low = Math.Min(open, close) * Math.Exp(-0.5 * dailyVol * Math.Abs(Normal()));
        var volume = Math.Round(baseVolume * Math.Exp((0.3 * Normal()) + (20 * Math.Abs(logReturn))));
        return new Bar(date, Round(open), Round(high), Round(low), Round(close), volume);
    }

    private static double Round(double price) => Math.Round(price, 4);

    private double Normal()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static DateOnly NextWeekday(DateOnly date)
    {
        var next = date.AddDays(1);
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        return next;
    }

    private static string Ticker(int index)
    {
        // Three or four letters, unique per index: AAA, AAB, ... then AAAA onwards.
        Span<char> letters = stackalloc char[4];
        var length = index < 26 * 26 * 26 ? 3 : 4;
        var n = index < 26 * 26 * 26 ? index : index - (26 * 26 * 26);
        for (var i = length - 1; i >= 0; i--)
        {
            letters[i] = (char)('A' + (n % 26));
            n /= 26;
        }

        return new string(letters[..length]);
    }

    private sealed record Stock(SymbolInfo Info, int Sector, double Beta, double IdiosyncraticVol, double Drift, int ListingDay, double BaseVolume)
    {
        public double Close { get; set; }
    }
}
