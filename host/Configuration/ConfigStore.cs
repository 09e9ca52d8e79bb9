using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Holds the configuration in force and picks up saved changes of the file. A change is parsed and validated
/// in full before it replaces the current one; an invalid file leaves the last good configuration in force.
/// </summary>
internal sealed class ConfigStore(AlphaHostConfig initial, ILogger<ConfigStore> logger)
{
    private string _seenHash = initial.ContentHash;
    private string? _rejectedHash;

    public AlphaHostConfig Current { get; private set; } = initial;

    /// <summary>The error of the newest saved version of the file, while it is invalid; null once a good one is in force.</summary>
    public string? RejectedError { get; private set; }

    /// <summary>
    /// Reads the file and, if its content changed since the last look, parses it. Returns the valid candidate, or
    /// null when nothing new and valid was saved. The file is small, so it is simply read each time: no missed
    /// edit because of timestamps, no partial read thanks to editors' and sed's rename-on-save.
    /// </summary>
    public AlphaHostConfig? CheckForChange()
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
            RejectedError = null;
            _rejectedHash = null;
            return null;
        }

        try
        {
            return ConfigLoader.Parse(Current.SourcePath, text);
        }
        catch (ConfigException ex)
        {
            Reject(ex.Message, hash);
            return null;
        }
    }
    /// <summary>Puts a validated candidate in force.</summary>
    public void Accept(AlphaHostConfig candidate)
    {
        var changes = Describe(Current, candidate);
        Current = candidate;
        RejectedError = null;
        _rejectedHash = null;
        logger.LogInformation("Configuration reloaded from {ConfigFile}: {Changes}", candidate.SourcePath, changes);
        foreach (var warning in candidate.Warnings)
        {
            logger.LogWarning("Configuration: {Warning}", warning);
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
        logger.LogError("Configuration change rejected, the last good configuration stays in force: {ConfigError}", error);
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
