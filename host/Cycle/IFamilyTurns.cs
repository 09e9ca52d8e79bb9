using AlphaHost.Host.Configuration;
using AlphaHost.Host.Families;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// The families' turns on one close, the first stage of the <see cref="CycleStep"/>: the daemon's under budgets and
/// quarantine (<see cref="SupervisedTurns"/>), <c>backtest</c>'s waiting for each family (<c>Backtest.ReplayTurns</c>).
/// Both call a family through <see cref="FamilyCall"/> and clip its signals with <see cref="SignalFilter.Clip"/>.
/// </summary>
internal interface IFamilyTurns
{
    /// <summary>One outcome per family, in the families' order.</summary>
    Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, AlphaHostConfig config);
}

/// <summary>The daemon's turns: the supervisor's slots through the <see cref="FamilyRunner"/>.</summary>
internal sealed class SupervisedTurns(FamilyRunner runner, FamilySupervisor families) : IFamilyTurns
{
    public Task<IReadOnlyList<FamilyOutcome>> RunAsync(CycleInput input, AlphaHostConfig config) =>
        runner.RunAsync(input, families.Slots, config, families.Retire);
}
