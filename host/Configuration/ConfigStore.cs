using AlphaHost.Host.Internal;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Holds the configuration in force and picks up saved changes of the file. A change is parsed and validated
/// in full before it replaces the current one; an invalid file leaves the last good configuration in force.
/// With a runtime folder it also reads the operator override there before the file, on every pass (the kill switch
/// must not depend on a YAML that parses), and keeps a copy of the file in force there
/// (<see cref="InForceFileName"/>) for the operator commands to fall back on while the file does not parse.
/// </summary>
internal sealed class ConfigStore
{
    /// <summary>The copy of the config text in force, in the runtime folder.</summary>
    public const string InForceFileName = "config-in-force.yaml";

    private readonly ILogger<ConfigStore> _logger;
    private readonly RuntimePaths? _paths;
    private string _seenHash;
    private string? _rejectedHash;
    private string? _overrideError;
    private (string Hash, string Text)? _parsed;

    public ConfigStore(AlphaHostConfig initial, ILogger<ConfigStore> logger, RuntimePaths? paths = null)
    {
        _logger = logger;
        _paths = paths;
        _seenHash = initial.ContentHash;
        Current = initial with { Override = ReadOverride(initial.Override) };
        if (paths is not null)
        {
            try
            {
                var text = File.ReadAllText(initial.SourcePath);
                _parsed = (ConfigLoader.Hash(text), text);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _parsed = null;
            }

            RecordInForce(initial);
            if (Current.Override is { } held)
            {
                _logger.LogWarning("Operator override in force from {OverrideFile}: {Override}", OperatorOverride.PathIn(paths), held.Describe());
            }
        }
    }

    public AlphaHostConfig Current { get; private set; }

    /// <summary>The error of the newest saved version of the file, while it is invalid; null once a good one is in force.</summary>
    public string? RejectedError { get; private set; }

    /// <summary>
    /// Reads the operator override and the file and, if either changed since the last look, parses the file. Returns the
    /// valid candidate (the file's new version, or the version in force with a new override), or null when nothing new
    /// and valid was saved. The file is small, so it is simply read each time: no missed edit because of timestamps, no
    /// partial read thanks to editors' and sed's rename-on-save.
    /// </summary>
    public AlphaHostConfig? CheckForChange()
    {
        var held = ReadOverride(Current.Override);
        var candidate = CheckFile();
        if (candidate is not null)
        {
            return candidate with { Override = held };
        }

        return OperatorOverride.Same(held, Current.Override) ? null : Current with { Override = held };
    }

    /// <summary>Puts a validated candidate in force.</summary>
    public void Accept(AlphaHostConfig candidate)
    {
        var before = Current;
        Current = candidate;
        if (!OperatorOverride.Same(before.Override, candidate.Override))
        {
            LogOverride(candidate.Override);
        }

        if (candidate.ContentHash == before.ContentHash)
        {
            // Only the override changed: a refused edit of the file is still refused.
            return;
        }

        RejectedError = null;
        _rejectedHash = null;
        RecordInForce(candidate);
        _logger.LogInformation("Configuration reloaded from {ConfigFile}: {Changes}", candidate.SourcePath, Describe(before, candidate));
        foreach (var warning in candidate.Warnings)
        {
            _logger.LogWarning("Configuration: {Warning}", warning);
        }
    }

    /// <summary>Refuses a candidate (invalid file or a family refused its section); the current configuration stays.</summary>
    public void Reject(string error, string identity)
    {
        RejectedError = error;
        if (_rejectedHash == identity)
        {
            return;
        }

        _rejectedHash = identity;
        _logger.LogError("Configuration change rejected, the last good configuration stays in force: {ConfigError}", error);
    }

    private AlphaHostConfig? CheckFile()
    {
        string text;
        try
        {
            text = File.ReadAllText(Current.SourcePath);
        }
        catch (Exception ex) when ((ex is IOException or UnauthorizedAccessException) && !Internal.FdExhaustion.Is(ex))
        {
            // Out of file descriptors says nothing about the file: that goes up to the cycle loop, which retries at its next pass.
            Reject($"{Current.SourcePath}: cannot read the configuration: {ex.Message}", "unreadable");
            _seenHash = "unreadable";
            return null;
        }

        var hash = ConfigLoader.Hash(text);
        if (hash == _seenHash)
        {
            return null;
        }

        _seenHash = hash;
        if (hash == Current.ContentHash)
        {
            if (RejectedError is not null)
            {
                _logger.LogInformation("Configuration file {ConfigFile} is valid again: it is the configuration in force, nothing to reload", Current.SourcePath);
            }

            RejectedError = null;
            _rejectedHash = null;
            return null;
        }

        try
        {
            var candidate = ConfigLoader.Parse(Current.SourcePath, text);
            _parsed = (hash, text);
            return candidate;
        }
        catch (ConfigException ex)
        {
            Reject(ex.Message, hash);
            return null;
        }
    }

    /// <summary>The override file's content; the previous one when the file is unreadable or broken (said once).</summary>
    private OperatorOverride? ReadOverride(OperatorOverride? previous)
    {
        if (_paths is null)
        {
            return previous;
        }

        try
        {
            var held = OperatorOverride.Read(OperatorOverride.PathIn(_paths));
            _overrideError = null;
            return held;
        }
        catch (ConfigException ex)
        {
            if (_overrideError != ex.Message)
            {
                _overrideError = ex.Message;
                _logger.LogError("Operator override refused, the previous one stays in force: {OverrideError}", ex.Message);
            }

            return previous;
        }
    }

    private void LogOverride(OperatorOverride? held)
    {
        if (held is null)
        {
            _logger.LogWarning("Operator override cleared: the configuration alone decides which families run");
        }
        else
        {
            _logger.LogWarning("Operator override in force: {Override}", held.Describe());
        }
    }

    /// <summary>Keeps a copy of the text in force beside the daemon's state: the operator commands' fallback while the file does not parse.</summary>
    private void RecordInForce(AlphaHostConfig config)
    {
        if (_paths is null || _parsed is not { } parsed || parsed.Hash != config.ContentHash)
        {
            return;
        }

        var path = Path.Combine(_paths.RuntimeDir, InForceFileName);
        try
        {
            // The operator's own file may hold credentials (a webhook URL): the copy is readable by the daemon's user alone.
            AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(parsed.Text), durable: false, ownerOnly: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError("{InForceFile} could not be written ({Error}); operator commands cannot fall back on it while the config does not parse", path, ex.Message);
        }
    }

    private static string Describe(AlphaHostConfig before, AlphaHostConfig after)
    {
        var changes = new List<string>();
        foreach (var (name, flag) in after.Features)
        {
            if (!before.Features.TryGetValue(name, out var old) || old.Value != flag.Value)
            {
                changes.Add($"features.{name}={flag.Value.ToString().ToLowerInvariant()}");
            }
        }

        foreach (var (name, family) in after.Families)
        {
            var old = before.Family(name);
            if (old.Enabled != family.Enabled)
            {
                changes.Add($"families.{name}.enabled={family.Enabled.ToString().ToLowerInvariant()}");
            }

            if (old.Weight != family.Weight)
            {
                changes.Add(FormattableString.Invariant($"families.{name}.weight={family.Weight}"));
            }

            if (!old.SameValuesAs(family))
            {
                changes.Add($"families.{name} settings");
            }
        }

        if (before.Host != after.Host)
        {
            changes.Add("host");
        }

        return changes.Count == 0 ? "no effective change" : string.Join(", ", changes);
    }
}
