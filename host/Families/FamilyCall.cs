using AlphaHost.Abstractions;

namespace AlphaHost.Host.Families;

/// <summary>
/// The one call into a family in the host's process, for the daemon (<see cref="InProcessEndpoint"/>, under its budget)
/// and <c>backtest</c> (<c>Backtest.ReplayTurns</c>, waited for): its signals for the close, copied and filtered by
/// <see cref="SignalFilter.Copy"/>, and its health after the call. A throw goes to the caller.
/// </summary>
internal static class FamilyCall
{
    /// <param name="family">The family.</param>
    /// <param name="snapshot">The close.</param>
    /// <param name="known">The close's symbols (<see cref="CycleInput.Symbols"/>).</param>
    /// <param name="cancellationToken">Cancels the family's computation.</param>
    public static async Task<ComputeResult> ComputeAsync(IAlphaFamily family, MarketSnapshot snapshot, IReadOnlySet<string> known, CancellationToken cancellationToken)
    {
        var signals = await family.ComputeAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var health = InProcessEndpoint.ReadHealth(family);
        var (copy, nonFinite, unknown) = SignalFilter.Copy(signals?.BySymbol, known);
        return new ComputeResult(CallStatus.Ok, copy, health, nonFinite, unknown);
    }
}
