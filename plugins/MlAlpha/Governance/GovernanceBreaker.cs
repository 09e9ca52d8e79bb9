using System.Text.Json;

namespace AlphaHost.Plugins.MlAlpha.Governance;

/// <summary>
/// Disables a model after <see cref="GovernanceOptions.MaxFailures"/> model failures within
/// <see cref="GovernanceOptions.Window"/>. The decision is written atomically to a state file before it takes effect,
/// survives restarts, and is cleared only by <see cref="Reset"/> with an operator's reason. A state file that cannot
/// be read keeps the model disabled: a restart must never silently re-enable a model that failed.
/// </summary>
internal sealed class GovernanceBreaker
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private readonly string _statePath;
    private readonly TimeProvider _clock;
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Lock _lock = new();
    private readonly string _model;
    private readonly string _contractHash;
    private DateTime? _stamp;

    public GovernanceBreaker(string statePath, string model, string contractHash, GovernanceOptions options, TimeProvider clock)
    {
        _statePath = statePath;
        Options = options;
        _clock = clock;
        _model = model;
        _contractHash = contractHash;
        _stamp = StampOf(statePath);
        State = Read(statePath, model, contractHash, clock);
    }

    public GovernanceState State { get; private set; }

    public bool IsDisabled => State.Disabled;

    /// <summary>The limits in force; a configuration change applies from the next failure on.</summary>
    public GovernanceOptions Options { get; set; }

    /// <summary>Failures counted in the current window.</summary>
    public int FailuresInWindow
    {
        get
        {
            lock (_lock)
            {
                return _recent.Count;
            }
        }
    }

    /// <summary>Throws <see cref="GovernanceDisabledException"/> when the model is disabled.</summary>
    public void EnsureEnabled()
    {
        var state = State;
        if (state.Disabled)
        {
            throw new GovernanceDisabledException(state.Model, state.Reason ?? "disabled");
        }
    }

    /// <summary>Counts a model failure. Returns true when this failure disabled the model.</summary>
    public bool RecordFailure(string reason)
    {
        lock (_lock)
        {
            var now = _clock.GetUtcNow();
            State = State with { ModelErrors = State.ModelErrors + 1 };
            if (State.Disabled)
            {
                return false;
            }

            _recent.Enqueue(now);
            while (_recent.Count > 0 && now - _recent.Peek() > Options.Window)
            {
                _recent.Dequeue();
            }

            if (_recent.Count < Options.MaxFailures)
            {
                return false;
            }

            var disabled = State with { Disabled = true, DisabledAt = now, Reason = reason };
            Write(disabled);
            State = disabled;
            _recent.Clear();
            return true;
        }
    }

    /// <summary>
    /// An operator's reset: re-enables a disabled model and records who asked and why. A model that is not disabled has
    /// nothing to reset and nothing is recorded: a recorded reset says that governance had tripped.
    /// </summary>
    /// <returns>Whether a disable was cleared.</returns>
    public bool Reset(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("a reset needs a reason", nameof(reason));
        }

        lock (_lock)
        {
            if (!State.Disabled)
            {
                return false;
            }

            var reset = GovernanceState.Enabled(State.Model, State.ContractHash) with { ResetAt = _clock.GetUtcNow(), ResetReason = reason, ModelErrors = State.ModelErrors };
            Write(reset);
            State = reset;
            _recent.Clear();
            return true;
        }
    }

    /// <summary>
    /// Takes in a state file another process wrote since (an operator's reset or disable through the CLI).
    /// Returns the previous state when the file changed, else null.
    /// </summary>
    public GovernanceState? ReloadIfChanged()
    {
        lock (_lock)
        {
            var stamp = StampOf(_statePath);
            if (stamp == _stamp)
            {
                return null;
            }

            _stamp = stamp;
            var previous = State;
            var read = Read(_statePath, _model, _contractHash, _clock);
            State = read with { ModelErrors = Math.Max(previous.ModelErrors, read.ModelErrors) };
            _recent.Clear();
            return previous;
        }
    }

    private static DateTime? StampOf(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.LastWriteTimeUtc : null;
    }

    private void Write(GovernanceState state)
    {
        AtomicFile.Write(_statePath, JsonSerializer.SerializeToUtf8Bytes(state, Json));
        _stamp = StampOf(_statePath);
    }

    private static GovernanceState Read(string path, string model, string contractHash, TimeProvider clock)
    {
        if (!File.Exists(path))
        {
            return GovernanceState.Enabled(model, contractHash);
        }

        try
        {
            var state = JsonSerializer.Deserialize<GovernanceState>(File.ReadAllText(path), Json)
                ?? throw new JsonException("empty state file");
            // A disabled state holds even if the model was retrained since: only an operator reset clears it.
            return state;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new GovernanceState(true, model, contractHash, clock.GetUtcNow(), $"STATE_UNREADABLE: {path}: {ex.Message}", 0);
        }
    }
}
