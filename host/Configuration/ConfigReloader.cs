using AlphaHost.Abstractions;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// The one place a configuration change is decided, at every pass of the loop and on SIGHUP alike: the store reads the
/// file and the operator override (<see cref="ConfigStore.CheckForChange"/>), the instance rules are checked
/// (<see cref="FamilyInstances"/>), the families are handed their changed sections (<see cref="IConfigTarget"/>), and the
/// candidate is then put in force or refused (<see cref="ConfigStore.Accept"/>, <see cref="ConfigStore.Reject"/>). The
/// status is told the verdict through the <see cref="ConfigCheck"/> each check returns.
/// </summary>
/// <param name="store">The configuration in force.</param>
/// <param name="families">The running families, which accept or refuse their sections.</param>
/// <param name="logger">Its lines keep the cycle loop's component (<c>CycleService</c>), which logged them before this type existed.</param>
internal sealed class ConfigReloader(ConfigStore store, IConfigTarget families, ILogger logger)
{
    /// <summary>The configuration in force.</summary>
    public AlphaHostConfig Current => store.Current;

    /// <summary>Picks up a saved change of the file or the override, if any; the verdict on the file on disk.</summary>
    public async Task<ConfigCheck> CheckAsync()
    {
        if (store.CheckForChange() is { } candidate)
        {
            if (FamilyInstances.Check(candidate, families.Exports) is { } broken)
            {
                store.Reject(broken.Message, candidate.ContentHash);
            }
            else if (await families.ApplyConfigAsync(candidate).ConfigureAwait(false) is { } refusal)
            {
                store.Reject(refusal, candidate.ContentHash);
            }
            else
            {
                store.Accept(candidate);
                WarnUnclaimedKeys(candidate);
            }
        }

        return new ConfigCheck(store.Current, store.RejectedError);
    }

    /// <summary>A re-read asked for (SIGHUP): as <see cref="CheckAsync"/>, and one line says what came of it when nothing changed.</summary>
    public async Task<ConfigCheck> OnRequestAsync()
    {
        var before = store.Current;
        var check = await CheckAsync().ConfigureAwait(false);
        if (!ReferenceEquals(before, check.InForce))
        {
            return check;
        }

        if (check.Rejected)
        {
            logger.LogWarning("SIGHUP: the last good configuration stays in force: {ConfigError}", check.RejectedError);
        }
        else
        {
            logger.LogInformation("SIGHUP: {ConfigFile} re-read, no change to apply", before.SourcePath);
        }

        return check;
    }

    /// <summary>Warns about keys of <paramref name="current"/> that no loaded family claims (at start, and for each accepted change).</summary>
    public void WarnUnclaimedKeys(AlphaHostConfig current)
    {
        var names = families.Exports.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var flags = families.Exports.Select(f => f.FeatureFlag).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var warning in ConfigCoverage.Warnings(current, names, flags))
        {
            logger.LogWarning("Configuration: {Warning}", warning);
        }
    }
}

/// <summary>The families as a configuration change reaches them: what they export, and whether they take a candidate.</summary>
internal interface IConfigTarget
{
    /// <summary>The families the plugin folders export: what a config's <c>family:</c> may name.</summary>
    IReadOnlyList<AlphaFamilyAttribute> Exports { get; }

    /// <summary>Hands changed family sections to the running families; the first refusal, or null when all took theirs.</summary>
    Task<string?> ApplyConfigAsync(AlphaHostConfig candidate);
}

/// <summary>The verdict of one check.</summary>
/// <param name="InForce">The configuration in force after it.</param>
/// <param name="RejectedError">Why the newest saved version of the file is refused, or null when none is.</param>
internal readonly record struct ConfigCheck(AlphaHostConfig InForce, string? RejectedError)
{
    public bool Rejected => RejectedError is not null;
}
