namespace AlphaHost.Plugins.MlAlpha.Drift;

/// <summary>
/// The serving-drift checks' thresholds (<c>families.ml_alpha.drift.*</c>). The defaults start from
/// <c>alphahost drift-calibrate</c>'s choice on ../shared/data, made less sensitive where the sample market alarmed;
/// <c>drift-calibrate --thresholds config</c> measures them as shipped (docs: ML family, drift figures); see <see cref="ServingDrift"/>.
/// </summary>
/// <param name="TieExcess">A feature's share of tied values across the day's symbols, risen above its trailing median b by more than this share of (1 - b), is a fault.</param>
/// <param name="UnchangedExcess">A feature's share of symbols whose value is bit-identical to the last cycle's, risen above its trailing median the same way.</param>
/// <param name="StaleRowsExcess">The share of symbols whose whole row is identical to the last cycle's, risen above its trailing median the same way.</param>
/// <param name="LevelRatio">A feature's interquartile range across symbols, this many times its trailing median (or gone to zero).</param>
/// <param name="MinDispersion">The cross-sectional standard deviation of the model's outputs, as a share of its training spread, below which predictions have collapsed.</param>
/// <param name="Persist">Cycles of the last <paramref name="Of"/> a check must fail before it sets DEGRADED.</param>
/// <param name="Of">The persistence window, in cycles (at most 32).</param>
/// <param name="BaselineCycles">Trailing cycles whose medians are the baselines.</param>
/// <param name="PsiDegrades">Whether raw-feature PSI above <c>drift.psi_threshold</c> sets DEGRADED for per-symbol models (a pooled model's PSI is informational always).</param>
/// <param name="MissingExcess">A feature's share of the modelled symbols whose value is missing (NaN) or infinite, risen above its trailing median the same way as the ties.</param>
/// <param name="AutocorrDrop">The rank autocorrelation of the predictions from one cycle to the next, fallen this far below its trailing median (ranking churns); a ranking unchanged to the last digit fails always.</param>
/// <param name="IcZ">The live rank IC over the last <paramref name="IcWindow"/> scored days, this many standard errors (Newey-West) below the model's backtest rank IC.</param>
/// <param name="IcWindow">Scored days (predictions whose label horizon has passed) the live rank IC is averaged over.</param>
internal sealed record DriftOptions(
    double TieExcess,
    double UnchangedExcess,
    double StaleRowsExcess,
    double LevelRatio,
    double MinDispersion,
    int Persist,
    int Of,
    int BaselineCycles,
    bool PsiDegrades,
    double MissingExcess,
    double AutocorrDrop,
    double IcZ,
    int IcWindow)
{
    public static DriftOptions Default { get; } = new(
        TieExcess: 0.5, UnchangedExcess: 0.7, StaleRowsExcess: 0.01, LevelRatio: 4.0, MinDispersion: 0.3, Persist: 2, Of: 5, BaselineCycles: 20, PsiDegrades: true, MissingExcess: 0.05,
        AutocorrDrop: 0.5, IcZ: 3.5, IcWindow: 250);

    /// <summary>Baseline cycles needed before a baseline check can fail (a daemon's first cycles report nothing).</summary>
    public int MinBaseline => Math.Min(5, BaselineCycles);

    /// <summary>Scored days needed before the live rank IC is judged: its standard error from fewer says little.</summary>
    public int MinIcDays => Math.Min(60, IcWindow);
}
