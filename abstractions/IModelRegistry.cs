namespace AlphaHost.Abstractions;

/// <summary>
/// A capability of a model family: what its <c>_latest</c> entries point at changes only through recorded switches.
/// Every switch (by training, promotion or rollback) is appended to a journal in the models folder with who, why, from
/// and to, so which model served when is answerable from the files. <c>alphahost models promote | rollback | history |
/// prune</c> use it without naming the family.
/// </summary>
public interface IModelRegistry
{
    /// <summary>The models folder whose switches it records.</summary>
    string ModelsDirectory { get; }

    /// <summary>Points <paramref name="target"/>'s <c>_latest</c> at <paramref name="folder"/> after validating it.</summary>
    /// <param name="target">The symbol whose model changes.</param>
    /// <param name="folder">The full path of a model folder in the models folder, or of one in another models folder (a
    /// candidate instance's): that one is validated, copied in under its name, then promoted.</param>
    /// <param name="origin">Who asks, why, and the command line.</param>
    /// <returns>The switch as recorded.</returns>
    /// <exception cref="ModelSwitchRefusedException">The target or folder is not valid; nothing was changed.</exception>
    ModelSwitch Promote(string target, string folder, SwitchOrigin origin);

    /// <summary>
    /// The content hash (<see cref="FamilyHealth.ModelContent"/>) of the models the family would serve once
    /// <paramref name="target"/>'s <c>_latest</c> points at <paramref name="folder"/>: what a backtest of those models
    /// recorded, so that <c>models promote</c> can look that backtest up before it switches. Changes nothing.
    /// </summary>
    /// <param name="target">The symbol whose model would change.</param>
    /// <param name="folder">The model folder, as for <see cref="Promote"/>.</param>
    /// <returns>The content hash, or null when the family cannot tell (its promotions then have no backtest to show).</returns>
    /// <exception cref="ModelSwitchRefusedException">The target or folder is not valid, as <see cref="Promote"/> would refuse it.</exception>
    string? ContentIfPromoted(string target, string folder) => null;

    /// <summary>Points <paramref name="target"/>'s <c>_latest</c> back at the folder it served before its current one.</summary>
    /// <param name="target">The symbol whose model changes.</param>
    /// <param name="origin">Who asks, why, and the command line.</param>
    /// <returns>The switch as recorded.</returns>
    /// <exception cref="ModelSwitchRefusedException">No earlier folder is recorded, or it is no longer valid; nothing was changed.</exception>
    ModelSwitch Rollback(string target, SwitchOrigin origin);

    /// <summary>The recorded switches, oldest first.</summary>
    /// <param name="target">Only this symbol's, or every one when null.</param>
    IReadOnlyList<ModelSwitch> History(string? target);

    /// <summary>
    /// Removes model folders that no <c>_latest</c> entry points at, that the running daemon does not serve and that none
    /// of each target's last <paramref name="keep"/> switches names.
    /// </summary>
    /// <param name="keep">Switches per target whose folders are kept (at least 1).</param>
    /// <param name="dryRun">Only say what would be removed.</param>
    PruneOutcome Prune(int keep, bool dryRun);
}

/// <summary>Who changes a model, why, and with which command.</summary>
/// <param name="User">The user name.</param>
/// <param name="Reason">Why, in the operator's words.</param>
/// <param name="Command">The command line.</param>
public sealed record SwitchOrigin(string User, string Reason, string Command);

/// <summary>One recorded change of what a target's <c>_latest</c> points at.</summary>
/// <param name="At">When.</param>
/// <param name="Action"><c>train</c>, <c>promote</c>, <c>rollback</c> or <c>recover</c>.</param>
/// <param name="Target">The symbol.</param>
/// <param name="From">The folder served before; null for a target's first model.</param>
/// <param name="To">The folder served after.</param>
/// <param name="FromSha256">SHA-256 of <see cref="From"/>'s model file.</param>
/// <param name="ToSha256">SHA-256 of <see cref="To"/>'s model file.</param>
/// <param name="User">Who.</param>
/// <param name="Reason">Why.</param>
/// <param name="Command">The command line that made the switch.</param>
public sealed record ModelSwitch(DateTimeOffset At, string Action, string Target, string? From, string To, string? FromSha256, string? ToSha256,
    string User, string Reason, string Command);

/// <summary>What <see cref="IModelRegistry.Prune"/> removed and kept.</summary>
/// <param name="Removed">Folder names removed (or that would be, on a dry run).</param>
/// <param name="Kept">Folder names kept.</param>
public sealed record PruneOutcome(IReadOnlyList<string> Removed, IReadOnlyList<string> Kept);

/// <summary>A switch refused before anything was changed; the message says why, naming the target and folder.</summary>
/// <param name="message">What is wrong.</param>
public sealed class ModelSwitchRefusedException(string message) : Exception(message);
