using Microsoft.Extensions.Logging;

namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>
/// The ML governance events, in the shape the runbook's <c>jq</c> queries read: <c>component: ML_GOVERNANCE</c>,
/// <c>model</c>, <c>status</c>, <c>reason</c>, <c>details {expected, got, missing}</c>; feature mismatches also carry
/// <c>symbol</c>, <c>expected_count</c>, <c>provided_count</c> and <c>missing_features</c>.
/// </summary>
internal sealed class GovernanceLog(ILogger logger, string model)
{
    public const string Component = "ML_GOVERNANCE";
    public const string FeatureMismatch = "FEATURE_MISMATCH";
    public const string ModelError = "MODEL_ERROR";
    public const string DisabledByGovernance = "DISABLED_BY_GOVERNANCE";

    public void Mismatch(ModelFeatureMismatchException ex, long failuresInWindow)
    {
        using var scope = Scope(FeatureMismatch, FeatureMismatch, ex.Expected.Count, ex.Provided.Count, ex.MissingFeatures);
        logger.LogError("FEATURE_MISMATCH {symbol}: model {model_folder} expects {expected_count} features, provided {provided_count}; missing {missing_features}, extra {extra_features}, not finite {non_finite_features} ({failures_in_window} failure(s) in the governance window)",
            ex.Symbol, ex.Folder, ex.Expected.Count, ex.Provided.Count, ex.MissingFeatures, ex.Provided.Except(ex.Expected).ToArray(), ex.NonFinite, failuresInWindow);
    }

    public void Failure(string symbol, string problem, long failuresInWindow)
    {
        using var scope = Scope(ModelError, ModelError, 0, 0, []);
        logger.LogError("MODEL_ERROR {symbol}: prediction failed: {problem} ({failures_in_window} failure(s) in the governance window)", symbol, problem, failuresInWindow);
    }

    public void Disabled(string reason, int expected, int got, IReadOnlyList<string> missing, int maxFailures, TimeSpan window)
    {
        using var scope = Scope(DisabledByGovernance, reason, expected, got, missing);
        logger.LogCritical("DISABLED_BY_GOVERNANCE: model {model} disabled after {max_failures} failures within {window_seconds}s (last: {last_reason}); it returns neutral signals until an operator resets it",
            model, maxFailures, (long)window.TotalSeconds, reason);
    }

    public void StillDisabled(GovernanceState state)
    {
        using var scope = Scope(DisabledByGovernance, state.Reason ?? "unknown", 0, 0, []);
        logger.LogError("DISABLED_BY_GOVERNANCE: model {model} is disabled since {disabled_at} ({last_reason}); the decision survives restarts until an operator resets it",
            model, state.DisabledAt, state.Reason);
    }

    public void Reset(string reason, string previousReason)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["component"] = Component, ["model"] = model, ["status"] = "RESET", ["reason"] = reason });
        logger.LogWarning("GOVERNANCE_RESET: model {model} re-enabled by an operator: {reset_reason} (it was disabled for: {previous_reason})", model, reason, previousReason);
    }

    private IDisposable? Scope(string status, string reason, int expected, int got, IReadOnlyList<string> missing) =>
        logger.BeginScope(new Dictionary<string, object?>
        {
            ["component"] = Component,
            ["model"] = model,
            ["status"] = status,
            ["reason"] = reason,
            ["details"] = new Dictionary<string, object> { ["expected"] = expected, ["got"] = got, ["missing"] = missing.ToArray() },
        });
}
