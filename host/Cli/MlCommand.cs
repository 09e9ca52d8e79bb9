using System.CommandLine;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Families;
using AlphaHost.Host.Health;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost ml status | disable | enable | reset-governance --reason R [--family INSTANCE]</c>: the runbook's operator
/// controls. Disable and enable change the model family's flag in the golden config (only that value; comments stay), or,
/// for another configured instance of it (<c>--family ml_candidate</c>), that instance's <c>families.&lt;instance&gt;.enabled</c>; reset-governance clears
/// the persisted governance decision; status is <see cref="MlStatus"/>. A running daemon applies either at its next cycle, no restart; the commands find it
/// through the config's runtime folder (<see cref="DaemonBinding"/>) and wait for it to confirm. Every change is recorded
/// with who and why in <c>logs/operator.jsonl</c> of that runtime folder.
/// </summary>
internal static class MlCommand
{
    public static Command Create()
    {
        var status = new Command("status", "The model family's config flag and governance decision; while a daemon runs, its state from the daemon's daemon.json");
        var config = CommonOptions.DaemonConfig();
        var json = CommonOptions.Json();
        var family = InstanceOption();
        status.Add(config);
        status.Add(json);
        status.Add(family);
        status.SetAction((result, ct) => CommonOptions.RunAsync(() => MlStatus.RunAsync(result.GetValue(config), result.GetValue(family), result.GetValue(json), ct)));

        return new Command("ml", "Operator controls of the model family (ml_state in the heartbeat)")
        {
            status,
            Change("disable", "Turn the model family off in the golden config (features flag false, every instance; with --family only that instance's enabled); the daemon goes DISABLED_CONFIG at its next cycle. While the config does not parse, holds it off through the operator override in the daemon's runtime folder instead",
                (session, handle, named, broken, reason, ct) => SetFlagAsync(session, handle, named, false, broken, reason, ct)),
            Change("enable", "Turn the model family on in the golden config (features flag true; with --family only that instance's enabled) and clear the operator override; governance may still hold it disabled",
                (session, handle, named, broken, reason, ct) => SetFlagAsync(session, handle, named, true, broken, reason, ct)),
            Change("reset-governance", "Clear a governance disable, with the reason; the daemon resumes predictions at its next cycle",
                (session, handle, _, _, reason, ct) => ResetAsync(session, handle, reason, ct)),
        };
    }

    /// <param name="name">The subcommand.</param>
    /// <param name="description">Its help text.</param>
    /// <param name="action">Makes the change (on the family, or on the one instance <c>--family</c> named; given the config
    /// file's parse error when it does not parse) and says which model family state in the daemon confirms it.</param>
    private static Command Change(string name, string description, Func<OfflineSession, FamilySlot, bool, string?, string, CancellationToken, Task<StateWanted?>> action)
    {
        var config = CommonOptions.DaemonConfig();
        var reason = new Option<string>("--reason") { Description = "Why (recorded with your user name)", Required = true };
        var wait = new Option<bool>("--wait") { Description = "Wait until the running daemon confirms the new state (the default when a daemon runs)" };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the file is changed, without waiting for the daemon to confirm" };
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait for the daemon (default: 5 of its cycles, at least 10s), e.g. 30s" };
        var family = InstanceOption();
        var command = new Command(name, description) { reason, config, wait, noWait, timeout, family };
        command.SetAction((result, ct) => CommonOptions.RunAsync(async () =>
        {
            var why = result.GetValue(reason)!.Trim();
            if (why.Length == 0)
            {
                throw new UsageException("--reason must say why");
            }

            if (result.GetValue(wait) && result.GetValue(noWait))
            {
                throw new UsageException("give --wait or --no-wait, not both");
            }

            var waitAtMost = DaemonBinding.ParseTimeout(result.GetValue(timeout));
            var (loaded, broken) = OperatorConfig.Load(result.GetValue(config));
            var daemon = DaemonBinding.Locate(loaded);
            if (broken is not null)
            {
                Console.WriteLine($"note: {broken}; acting on the configuration the daemon (pid {daemon?.PidText ?? "unknown"}) has in force");
            }

            StateWanted? wanted;
            TimeProvider clock;
            // The change needs the family's declaration only (its name, flag and instances): nothing is started for it.
            await using (var session = await OfflineSession.OpenAsync(loaded, ct, start: false).ConfigureAwait(false))
            {
                clock = session.Clock;
                var named = result.GetValue(family);
                wanted = await action(session, ModelFamily(session, named), named is not null, broken, why, ct).ConfigureAwait(false);
            }

            return wanted is null ? ExitCodes.Success : await ConfirmAsync(loaded, daemon, wanted, !result.GetValue(noWait), waitAtMost, clock, ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>After a change: says that no daemon runs, or waits for the running one to confirm (unless told not to).</summary>
    private static async Task<int> ConfirmAsync(AlphaHostConfig config, RunningDaemon? daemon, StateWanted wanted, bool wait, TimeSpan? timeout, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (daemon is null)
        {
            Console.WriteLine(DaemonBinding.NoDaemonLine(config));
            return ExitCodes.Success;
        }

        if (!wait)
        {
            Console.WriteLine($"the daemon (pid {daemon.PidText}) applies it at its next cycle; not waiting for it (--no-wait)");
            return ExitCodes.Success;
        }

        return await DaemonBinding.WaitForAsync(daemon, daemon.Record, wanted, timeout ?? DaemonBinding.DefaultTimeout(config, daemon), clock, cancellationToken)
            .ConfigureAwait(false);
    }

    private static Option<string?> InstanceOption() =>
        new("--family") { Description = "The model family instance (families.<instance>; default: the model family's own)" };

    /// <param name="session">The offline session.</param>
    /// <param name="handle">The model family instance.</param>
    /// <param name="named">The instance was named with <c>--family</c>: its own <c>enabled</c> key changes, and no other
    /// instance. Without it the family's features flag changes, which gates every instance of the family.</param>
    /// <param name="value">On or off.</param>
    /// <param name="broken">The config file's parse error: then the operator override changes, and the file is left alone.</param>
    /// <param name="reason">Why.</param>
    /// <param name="cancellationToken">Cancels the edit.</param>
    private static async Task<StateWanted?> SetFlagAsync(OfflineSession session, FamilySlot handle, bool named, bool value, string? broken, string reason, CancellationToken cancellationToken)
    {
        if (broken is not null)
        {
            return Hold(session, handle, named, value, reason);
        }

        var flag = named ? null : handle.Export.FeatureFlag ?? throw new UsageException($"family {handle.Name} has no features flag; use --family {handle.Name} (families.{handle.Name}.enabled)");
        var key = flag is null ? $"families.{handle.Name}.enabled" : $"features.{flag}";
        var path = session.Config.SourcePath;
        bool? previous;
        try
        {
            previous = flag is null
                ? await ConfigEditor.SetFamilyEnabledAsync(path, handle.Name, value, session.Clock, cancellationToken).ConfigureAwait(false)
                : await ConfigEditor.SetFeatureFlagAsync(path, flag, value, session.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (ConfigEditConflictException ex)
        {
            throw new CheckFailedException(ex.Message);
        }

        // Asked for what already holds, the file is left alone; the request is still recorded, with who and why.
        var unchanged = previous == value;
        var change = unchanged ? $"{key} is already {Flag(value)}: nothing changed" : $"{key}: {(previous is { } old ? Flag(old) : "unset")} -> {Flag(value)}";
        OperatorLog.Append(session.Paths, session.Clock, value ? "ml enable" : "ml disable", reason, new { config = path, change });
        Console.WriteLine(unchanged
            ? $"{path}: {key} is already {Flag(value)}: {handle.Name} already {(value ? "enabled" : "disabled")}; nothing changed"
            : $"{path}: {change} ({reason})");

        if (value && (await session.StartAsync(handle, cancellationToken).ConfigureAwait(false) as IOperatorControls)?.ReadGovernance() is { Disabled: true } governance)
        {
            Console.WriteLine($"note: governance still holds the model disabled ({governance.Reason}); ml_state stays DISABLED_GOVERNANCE until 'alphahost ml reset-governance --reason ...'");
        }

        var released = value ? new OverrideSwitch(session.Paths, session.Clock).Release(Instances(session.Config, handle, named), reason) : null;
        if (released is not null)
        {
            Console.WriteLine(released);
        }

        return unchanged && released is null ? null : Wanted(session.Config, handle, named, value);
    }

    private static string Flag(bool value) => value ? "true" : "false";

    /// <summary>
    /// The kill switch while the config does not parse: holds the instances disabled through the operator override in the
    /// runtime folder (or releases them), which the daemon reads before its config on every pass.
    /// </summary>
    private static StateWanted? Hold(OfflineSession session, FamilySlot handle, bool named, bool value, string reason)
    {
        var instances = Instances(session.Config, handle, named);
        var overrides = new OverrideSwitch(session.Paths, session.Clock);
        var line = value ? overrides.Release(instances, reason) : overrides.Hold(instances, reason, session.Config.SourcePath);
        if (line is not null)
        {
            Console.WriteLine(line);
        }

        return Wanted(session.Config, handle, named, value) with { Kept = overrides.Kept };
    }

    /// <summary>The instances a change is about: the named one, or every instance of the family.</summary>
    private static IReadOnlyList<string> Instances(AlphaHostConfig config, FamilySlot handle, bool named) =>
        named ? [handle.Name] : config.InstancesOf(handle.Export.Name);

    /// <summary>The state the daemon confirms the change with: every instance off, or the enabled ones (at least the family's own) on.</summary>
    private static StateWanted Wanted(AlphaHostConfig config, FamilySlot handle, bool named, bool value)
    {
        IReadOnlyList<string> instances = named ? [handle.Name]
            : value ? [.. config.InstancesOf(handle.Export.Name).Where(i => config.Families.TryGetValue(i, out var section) && section.Enabled).DefaultIfEmpty(handle.Name)]
            : config.InstancesOf(handle.Export.Name);
        return (value ? StateWanted.Leaves(FamilyState.DisabledConfig) : StateWanted.Is(FamilyState.DisabledConfig)) with { Families = instances };
    }

    private static async Task<StateWanted?> ResetAsync(OfflineSession session, FamilySlot handle, string reason, CancellationToken cancellationToken)
    {
        var controls = await session.StartAsync(handle, cancellationToken).ConfigureAwait(false) as IOperatorControls ?? throw new UsageException($"family {handle.Name} has no governance to reset");
        var before = controls.ReadGovernance();
        if (!before.Disabled)
        {
            // Nothing recorded: a recorded reset tells the burn-in that governance had tripped.
            Console.WriteLine($"governance of {before.Model} was not disabled; nothing to reset, nothing recorded");
            return StateWanted.Leaves(FamilyState.DisabledGovernance) with { Families = [handle.Name], Kept = "the reset is recorded in the governance state" };
        }

        var after = controls.ResetGovernance(reason);
        OperatorLog.Append(session.Paths, session.Clock, "ml reset-governance", reason, new { model = after.Model, was_disabled = before.Disabled, previous_reason = before.Reason });
        Console.WriteLine($"governance reset for {after.Model} ({reason}); it was disabled since {OperatorText.Time(before.DisabledAt)} for {before.Reason}");
        return StateWanted.Leaves(FamilyState.DisabledGovernance) with { Families = [handle.Name], Kept = "the reset is recorded in the governance state" };
    }

    /// <summary>The named instance of a model family, or without a name the one model family's own instance.</summary>
    internal static FamilySlot ModelFamily(OfflineSession session, string? instance)
    {
        var models = session.Declared.Where(f => f.Export.IsModelFamily).ToList();
        if (instance is not null)
        {
            return models.FirstOrDefault(f => f.Name == instance)
                ?? throw new UsageException($"'{instance}' is not a configured instance of a model family (instances: {(models.Count == 0 ? "none" : string.Join(", ", models.Select(m => m.Name)))})");
        }

        var own = models.Where(f => f.Name == f.Export.Name).ToList();
        return own.Count switch
        {
            0 => throw new UsageException($"no model family is installed in {session.Paths.PluginsDir}"),
            1 => own[0],
            _ => throw new UsageException($"several model families are installed ({string.Join(", ", own.Select(m => m.Name))}); choose one with --family"),
        };
    }
}
