namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// One cycle's statistics of what a model consumed (the raw rows of the symbols it predicted) and what it produced (its
/// outputs): the figures <see cref="DriftJudge"/> compares with their trailing baselines. Allocated once, refilled each cycle.
/// </summary>
internal sealed class CycleMeasures
{
    /// <summary>How many stale symbols a measure names.</summary>
    public const int NamedStale = 5;

    public CycleMeasures(int features)
    {
        Ties = new double[features];
        Unchanged = new double[features];
        Level = new double[features];
        Missing = new double[features];
        Infinite = new double[features];
    }

    /// <summary>
    /// Symbols the model was asked about this cycle: the rows measured and the rows left out because a feature was not
    /// finite; 0 when too few to measure (then no check says anything).
    /// </summary>
    public int Modelled { get; set; }

    /// <summary>Per feature, the share of the modelled symbols whose value is missing (NaN).</summary>
    public double[] Missing { get; }

    /// <summary>Per feature, the share of the modelled symbols whose value is infinite.</summary>
    public double[] Infinite { get; }

    /// <summary>Rows measured (finite rows, predicted); 0 when the cycle had too few to measure (only the missing-share check then speaks).</summary>
    public int Rows { get; set; }

    /// <summary>Per feature, the share of the rows whose value equals another row's (1 when the feature is one constant).</summary>
    public double[] Ties { get; }

    /// <summary>Per feature, the share of the symbols seen last cycle, stale rows aside, whose value is bit-identical to last cycle's (a stuck column).</summary>
    public double[] Unchanged { get; }

    /// <summary>
    /// Per feature, the interquartile range across the rows: a unit change or scale error multiplies it (ranks do not
    /// see it), a market-wide move of the whole cross-section (every stock overbought) does not.
    /// </summary>
    public double[] Level { get; }

    /// <summary>The share of the symbols seen last cycle whose whole row is identical to last cycle's (stale bars).</summary>
    public double StaleRows { get; set; }

    /// <summary>How many symbols' rows were stale.</summary>
    public int StaleCount { get; set; }

    /// <summary>The first <see cref="NamedStale"/> stale symbols (the first <see cref="StaleCount"/> entries are set).</summary>
    public string[] StaleSymbols { get; } = new string[NamedStale];

    /// <summary>The cross-sectional standard deviation of the outputs in units of the model's training spread; NaN when unknown.</summary>
    public double Dispersion { get; set; } = double.NaN;

    /// <summary>
    /// The rank (Spearman) correlation of this cycle's outputs with the last cycle's, over the symbols predicted in both;
    /// NaN when fewer than <see cref="ServingMeasure.MinRows"/>.
    /// </summary>
    public double Autocorrelation { get; set; } = double.NaN;

    /// <summary>
    /// The rank IC of the predictions made <see cref="Horizon"/> trading days ago against the returns realised since
    /// (the model's label); NaN when none matured this cycle.
    /// </summary>
    public double LiveIc { get; set; } = double.NaN;

    /// <summary>The serving model's own backtest rank IC at its label horizon; NaN when unknown (then the live IC is not judged).</summary>
    public double BacktestIc { get; set; } = double.NaN;

    /// <summary>The serving model's label horizon in trading days (the lags of the live IC's standard error).</summary>
    public int Horizon { get; set; }

    /// <summary>The serving model (its content hash); when it changes, the live IC's window starts again.</summary>
    public string? Model { get; set; }

    public void CopyTo(CycleMeasures other)
    {
        other.Rows = Rows;
        other.Modelled = Modelled;
        Missing.CopyTo(other.Missing, 0);
        Infinite.CopyTo(other.Infinite, 0);
        Ties.CopyTo(other.Ties, 0);
        Unchanged.CopyTo(other.Unchanged, 0);
        Level.CopyTo(other.Level, 0);
        other.StaleRows = StaleRows;
        other.StaleCount = StaleCount;
        StaleSymbols.CopyTo(other.StaleSymbols, 0);
        other.Dispersion = Dispersion;
        other.Autocorrelation = Autocorrelation;
        other.LiveIc = LiveIc;
        other.BacktestIc = BacktestIc;
        other.Horizon = Horizon;
        other.Model = Model;
    }
}
