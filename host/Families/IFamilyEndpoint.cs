using AlphaHost.Abstractions;
using AlphaHost.Host.Market;

namespace AlphaHost.Host.Families;

/// <summary>
/// The host's side of one running family: in a worker process (<see cref="Workers.ProcessFamilyEndpoint"/>) or in the
/// host's own process (<see cref="InProcessEndpoint"/>). Every call returns within the budget it is given, whatever
/// the family does; a call that overran leaves the endpoint <see cref="IsBusy"/> until the family finishes.
/// </summary>
internal interface IFamilyEndpoint : IAsyncDisposable
{
    /// <summary>Where the family runs, for logs: <c>worker pid 1234</c> or <c>in process</c>.</summary>
    string Description { get; }

    /// <summary>The family's health as of its last answer (initialization or a cycle).</summary>
    FamilyHealth Health { get; }

    /// <summary>Settings keys the family did not read at initialization (warned about once).</summary>
    IReadOnlyList<string> UnreadKeys { get; }

    /// <summary>Still busy with a call that overran its budget.</summary>
    bool IsBusy { get; }

    /// <summary>Why the endpoint can no longer serve (its worker exited or was killed), or null while it can.</summary>
    string? Fault { get; }

    /// <summary>Runs the family on the cycle's snapshot within <paramref name="budget"/>.</summary>
    Task<ComputeResult> ComputeAsync(CycleInput input, TimeSpan budget);

    /// <summary>
    /// Reads the family's health within <paramref name="budget"/> (on a pass without a new trading day, so that a change
    /// made outside the cycle, such as a governance reset, shows without waiting for the next day). Returns its last known
    /// health when the family is busy or does not answer in time.
    /// </summary>
    Task<FamilyHealth> RefreshHealthAsync(TimeSpan budget);

    /// <summary>Hands the family a changed settings section within <paramref name="budget"/>: null when applied, else why not.</summary>
    Task<ConfigureResult> ConfigureAsync(FamilySettings settings, TimeSpan budget);

    /// <summary>Disposes the family within <paramref name="budget"/> (a worker is killed after it).</summary>
    Task StopAsync(TimeSpan budget);
}

/// <summary>What a cycle hands each family endpoint.</summary>
/// <param name="Snapshot">The cycle's snapshot.</param>
/// <param name="Market">The host's market history.</param>
/// <param name="PreviousDate">The market date of the cycle before.</param>
/// <param name="Image">The market image workers read the history from (written by the first worker endpoint of the cycle).</param>
internal sealed record CycleInput(MarketSnapshot Snapshot, MarketState? Market, DateOnly? PreviousDate, Workers.MarketImage? Image = null)
{
    private readonly Lazy<HashSet<string>> _symbols = new(() => SignalFilter.Symbols(Snapshot));
    private byte[]? _dayPayload;

    /// <summary>The snapshot's symbols, built once per cycle for every in-process family that checks its signals against them.</summary>
    public IReadOnlySet<string> Symbols => _symbols.Value;

    /// <summary>The cycle's compute request as sent to workers: encoded by the first worker endpoint of the cycle, shared by the others.</summary>
    public byte[] DayPayload(Func<CycleInput, byte[]> encode) => LazyInitializer.EnsureInitialized(ref _dayPayload, () => encode(this));
}

/// <summary>How a call into a family ended.</summary>
internal enum CallStatus
{
    /// <summary>It answered.</summary>
    Ok,

    /// <summary>The family threw.</summary>
    Failed,

    /// <summary>It did not answer within its budget.</summary>
    TimedOut,

    /// <summary>Not called: still busy with an earlier call that overran.</summary>
    Busy,

    /// <summary>Its worker is gone (exited, crashed, killed for memory).</summary>
    Exited,
}

/// <summary>A family's answer to one cycle.</summary>
/// <param name="Status">How the call ended.</param>
/// <param name="Signals">Its finite signals for symbols of the snapshot, not yet clipped (empty unless Ok).</param>
/// <param name="Health">Its health after the call (its last known one when it did not answer).</param>
/// <param name="NonFinite">Non-finite signals it returned (dropped).</param>
/// <param name="Unknown">Signals for symbols not in the snapshot (dropped).</param>
/// <param name="Error">What went wrong, when not Ok.</param>
/// <param name="OutOfMemory">The failure was running out of memory: quarantine at once.</param>
internal sealed record ComputeResult(
    CallStatus Status,
    IReadOnlyDictionary<string, double> Signals,
    FamilyHealth Health,
    int NonFinite = 0,
    int Unknown = 0,
    string? Error = null,
    bool OutOfMemory = false)
{
    public static readonly IReadOnlyDictionary<string, double> NoSignals = new Dictionary<string, double>();
}

/// <summary>How handing a family its settings went.</summary>
/// <param name="Refusal">Why the family refused them (the config change is then rejected), or null.</param>
/// <param name="Restarted">The family did not answer in time; its worker was stopped and starts again with the new settings.</param>
internal sealed record ConfigureResult(string? Refusal, bool Restarted = false)
{
    public static ConfigureResult Applied { get; } = new(Refusal: null);
}
