using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Backtest;

namespace AlphaHost.Host.Cli;

/// <summary>
/// <c>alphahost models promote TARGET --to FOLDER --reason R | rollback TARGET --reason R | history [TARGET] [--json] |
/// prune --keep N [--dry-run]</c>: the model family's registry of switches (<see cref="IModelRegistry"/>). A refused
/// switch prints one line and exits 2 with nothing changed; a running daemon serves a switched model from its next model scan.
/// A promotion is refused (exit 1, nothing changed) unless the newest backtest of the models it would serve PASSED
/// (<see cref="PromotionGate"/>); <c>--force</c> overrides that, recorded in the switch's reason and warned.
/// Promote, rollback and prune change what a daemon serves: without <c>--config</c> and without a config in the working
/// directory they act on the one running daemon's config, and refuse (exit 2, listing them) when several or none run,
/// as the <c>ml</c> commands do (<see cref="DaemonConfig"/>).
/// </summary>
internal static class ModelSwitchCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Promote();
        yield return Rollback();
        yield return History();
        yield return Prune();
    }

    /// <summary>Who runs this command, and its command line, for the journal.</summary>
    public static SwitchOrigin Origin(string reason) =>
        new(Environment.UserName, reason, "alphahost " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(Quote)));

    private static Command Promote()
    {
        var target = new Argument<string>("TARGET") { Description = "The symbol whose model changes" };
        var to = new Option<string>("--to") { Description = "The model folder to serve (a name in the models folder, or a path; one of another models folder is copied in with its backtests)", Required = true };
        var reason = Reason();
        var force = new Option<bool>("--force") { Description = "Promote although the newest backtest of the models it would serve FAILED or is missing; recorded with --reason in switches.jsonl" };
        var (config, family) = (CommonOptions.DaemonConfig(), CommonOptions.Family());
        var command = new Command("promote", "Point TARGET's _latest at a validated model folder whose models' newest backtest PASSED; recorded in the models folder's switches.jsonl") { target, to, reason, force, config, family };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => SwitchAsync(result.GetValue(config), result.GetValue(family), "models promote", result.GetValue(reason)!,
            (registry, dir, origin) => PromoteWithBacktests(registry, result.GetValue(target)!, ModelFolder.Resolve(result.GetValue(to)!, dir), origin, result.GetValue(force)), ct)));
        return command;
    }

    /// <summary>
    /// Refuses a promotion whose models have no PASS backtest (the burn-in's expectation check, before the switch instead
    /// of after it); with <paramref name="force"/> warns and returns the origin with the override in its reason.
    /// </summary>
    private static SwitchOrigin Gate(IModelRegistry registry, string target, string folder, SwitchOrigin origin, bool force)
    {
        var source = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder))!;
        var gate = PromotionGate.For(registry.ContentIfPromoted(target, folder), [registry.ModelsDirectory, source]);
        if (gate.Passed)
        {
            return origin;
        }

        var line = gate.Describe(target, Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
        if (!force)
        {
            throw new CheckFailedException($"{line}; refused, nothing changed: backtest these models (alphahost backtest --model-dir ...), or override with --force --reason \"...\"");
        }

        Console.Error.WriteLine($"warning: {line}; promoted anyway (--force), recorded in switches.jsonl");
        return origin with { Reason = $"{origin.Reason} [--force: {line}]" };
    }

    /// <summary>
    /// A promotion; from another models folder (a candidate instance's), the registry copies the model in and its
    /// backtests come along, so the live instance's burn-in finds the backtest of the bytes it now serves.
    /// </summary>
    private static ModelSwitch PromoteWithBacktests(IModelRegistry registry, string target, string folder, SwitchOrigin origin, bool force)
    {
        var entry = registry.Promote(target, folder, Gate(registry, target, folder, origin, force));
        var source = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder))!;
        if (source != Path.TrimEndingDirectorySeparator(Path.GetFullPath(registry.ModelsDirectory)))
        {
            var carried = BacktestExpectation.CarryTo(source, registry.ModelsDirectory);
            Console.WriteLine($"copied {Path.GetFileName(folder)} from {source}; {carried} backtest line(s) carried from its {BacktestExpectation.FileName}");
        }

        return entry;
    }

    private static Command Rollback()
    {
        var target = new Argument<string>("TARGET") { Description = "The symbol whose model changes" };
        var reason = Reason();
        var (config, family) = (CommonOptions.DaemonConfig(), CommonOptions.Family());
        var command = new Command("rollback", "Point TARGET's _latest back at the model it served before its current one; recorded like a promotion") { target, reason, config, family };
        command.SetAction((result, ct) => CommonOptions.RunAsync(() => SwitchAsync(result.GetValue(config), result.GetValue(family), "models rollback", result.GetValue(reason)!,
            (registry, _, origin) => registry.Rollback(result.GetValue(target)!, origin), ct)));
        return command;
    }

    private static Command History()
    {
        var target = new Argument<string?>("TARGET") { Description = "Only this symbol's switches", Arity = ArgumentArity.ZeroOrOne };
        var (config, family, json) = (CommonOptions.Config(), CommonOptions.Family(), CommonOptions.Json());
        var command = new Command("history", "Every recorded switch of a _latest entry, oldest first: when, who, why, from, to, both model hashes, the command") { target, config, family, json };
        command.SetAction((result, ct) => CommonOptions.RunAsync(async () =>
        {
            await using var session = await OfflineSession.OpenAsync(CommonOptions.LoadConfigOrThrow(result.GetValue(config)), ct).ConfigureAwait(false);
            var (_, registry) = session.Capable<IModelRegistry>(result.GetValue(family), "keep a registry of model switches");
            var switches = registry.History(result.GetValue(target));
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(switches, CommonOptions.JsonOutput));
                return ExitCodes.Success;
            }

            foreach (var entry in switches)
            {
                Console.WriteLine(Describe(entry));
            }

            Console.WriteLine($"{switches.Count} switch(es)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Prune()
    {
        var keep = new Option<int?>("--keep") { Description = "Keep the folders named by each target's last N switches (N >= 1)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be removed" };
        var (config, family) = (CommonOptions.DaemonConfig(), CommonOptions.Family());
        var command = new Command("prune", "Remove model folders that are not serving, not any _latest and not named by each target's last N switches") { keep, dryRun, config, family };
        command.SetAction((result, ct) => CommonOptions.RunAsync(async () =>
        {
            await using var session = await OfflineSession.OpenAsync(DaemonConfig(result.GetValue(config)), ct).ConfigureAwait(false);
            var (_, registry) = session.Capable<IModelRegistry>(result.GetValue(family), "keep a registry of model switches");
            var outcome = Refusable(() => registry.Prune(result.GetValue(keep)!.Value, result.GetValue(dryRun)));
            var verb = result.GetValue(dryRun) ? "would remove" : "removed";
            foreach (var folder in outcome.Removed)
            {
                Console.WriteLine($"{verb}: {folder}");
            }

            Console.WriteLine($"{verb} {outcome.Removed.Count} model folder(s), kept {outcome.Kept.Count}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<int> SwitchAsync(string? configPath, string? familyName, string name, string reason,
        Func<IModelRegistry, string, SwitchOrigin, ModelSwitch> action, CancellationToken cancellationToken)
    {
        var why = reason.Trim();
        if (why.Length == 0)
        {
            throw new UsageException("--reason must say why");
        }

        await using var session = await OfflineSession.OpenAsync(DaemonConfig(configPath), cancellationToken).ConfigureAwait(false);
        var (_, registry) = session.Capable<IModelRegistry>(familyName, "keep a registry of model switches");
        var entry = Refusable(() => action(registry, registry.ModelsDirectory, Origin(why)));
        OperatorLog.Append(session.Paths, session.Clock, name, why, new { target = entry.Target, from = entry.From, to = entry.To });
        Console.WriteLine(Describe(entry));
        Console.WriteLine("a running daemon serves it from its next model scan");
        return ExitCodes.Success;
    }

    /// <summary>
    /// The config a command that changes what a daemon serves acts on: <c>--config</c>, else the working directory's, else
    /// the one running daemon's (<see cref="OperatorConfig.ResolvePath"/>), never the one beside the executable.
    /// </summary>
    private static Configuration.AlphaHostConfig DaemonConfig(string? given) =>
        CommonOptions.LoadConfigOrThrow(OperatorConfig.ResolvePath(given, Environment.CurrentDirectory, () => Daemon.DaemonRegistry.Running()));

    private static T Refusable<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (ModelSwitchRefusedException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    private static Option<string> Reason() => new("--reason") { Description = "Why (recorded with your user name)", Required = true };

    private static string Describe(ModelSwitch e) => string.Create(CultureInfo.InvariantCulture,
        $"{e.At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {e.Action,-8} {e.Target} {e.From ?? "(none)"} -> {e.To} (sha256 {Short(e.FromSha256)} -> {Short(e.ToSha256)}) by {e.User}: {(e.Reason.Length == 0 ? "(no reason)" : e.Reason)}");

    private static string Short(string? hash) => hash is null ? "-" : hash[..Math.Min(12, hash.Length)];

    private static string Quote(string arg) => arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./=:,".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
