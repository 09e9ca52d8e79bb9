namespace AlphaHost.Abstractions;

/// <summary>A family whose models can be scored out of sample by walk-forward retraining (<c>alphahost evaluate</c>).</summary>
public interface IEvaluableFamily
{
    /// <summary>
    /// For each test year, retrains on every earlier year (ending an embargo of the label horizon before the test year)
    /// and scores the following year out of sample; returns per-window and pooled figures.
    /// </summary>
    /// <param name="request">The history, the test years, the model scopes to compare and the cost of trading.</param>
    /// <param name="progress">Receives a line per finished window; may be null.</param>
    /// <param name="cancellationToken">Stops the evaluation.</param>
    Task<EvaluationReport> EvaluateAsync(EvaluationRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}

/// <summary>What to evaluate.</summary>
/// <param name="History">The whole history (training and test years).</param>
/// <param name="TestYears">The out-of-sample years, each scored by a model trained on the years before it.</param>
/// <param name="Scopes">The model scopes to compare (the family's names, e.g. <c>symbol</c>, <c>universe</c>).</param>
/// <param name="CostBasisPoints">Cost per unit of turnover of the evaluation portfolio, in basis points.</param>
public sealed record EvaluationRequest(MarketHistory History, IReadOnlyList<int> TestYears, IReadOnlyList<string> Scopes, double CostBasisPoints)
{
    private MarketHistory? _history = History;

    /// <summary>The whole history. Throws <see cref="InvalidOperationException"/> once released.</summary>
    public MarketHistory History
    {
        get => _history ?? throw new InvalidOperationException("the evaluation history was released (ReleaseHistory) by the family evaluating it");
        init => _history = value;
    }

    /// <summary>Whether <see cref="ReleaseHistory"/> was called.</summary>
    public bool HistoryReleased => _history is null;

    /// <summary>
    /// Lets the bars go once the family has taken what it needs from them (features, labels, returns), so that they
    /// can be collected during the many fits of a walk-forward: <c>alphahost evaluate</c> keeps no other reference to
    /// the history it hands over. Optional; <see cref="History"/> throws afterwards.
    /// </summary>
    public void ReleaseHistory() => _history = null;
}

/// <summary>The evaluation's figures.</summary>
/// <param name="Windows">One row per scope and test year.</param>
/// <param name="Overall">One row per scope over all test years (the daily series of every window pooled).</param>
/// <param name="ConfigurationsTried">Configurations evaluated in this run (one per scope; no parameter search).</param>
/// <param name="Parameters">The fixed parameters every window was trained with, and how the figures are defined.</param>
public sealed record EvaluationReport(IReadOnlyList<EvaluationRow> Windows, IReadOnlyList<EvaluationRow> Overall, int ConfigurationsTried, IReadOnlyDictionary<string, string> Parameters);

/// <summary>One window's (or the pooled) out-of-sample figures.</summary>
/// <param name="Scope">The model scope.</param>
/// <param name="Window">The test period, e.g. <c>2010</c> or <c>2010-2018</c>.</param>
/// <param name="TrainEnd">The last training date of the window (the latest of the windows for the pooled row).</param>
/// <param name="TrainRows">Rows the model(s) were fitted on.</param>
/// <param name="Models">Models fitted (1 for a pooled model).</param>
/// <param name="Days">Test days scored.</param>
/// <param name="Ic">Mean daily cross-sectional Pearson correlation of signals and forward returns over the horizon.</param>
/// <param name="RankIc">Mean daily Spearman correlation of signals and forward returns over the horizon.</param>
/// <param name="RankIcir">Mean daily rank IC divided by its standard deviation.</param>
/// <param name="RankIc1d">Mean daily rank IC against the next day's return.</param>
/// <param name="GrossSharpe">Annualised Sharpe of the daily-rebalanced centred-rank portfolio before costs.</param>
/// <param name="NetSharpe">The same after <see cref="EvaluationRequest.CostBasisPoints"/> per unit of turnover.</param>
/// <param name="Turnover">Mean daily turnover of that portfolio (gross exposure 1).</param>
public sealed record EvaluationRow(string Scope, string Window, DateOnly TrainEnd, long TrainRows, int Models, int Days, double Ic, double RankIc, double RankIcir, double RankIc1d,
    double GrossSharpe, double NetSharpe, double Turnover);
