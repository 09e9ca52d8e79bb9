using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Plugins.MlAlpha.Contracts;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Promotion, rollback, history and pruning of one models folder. Each operation holds the folder's switch lock,
/// first completes a switch a stopped writer left half-made (<see cref="ModelStore.Recover"/>), then validates before it
/// changes anything: a refused switch leaves the link and the journal as they were.
/// </summary>
/// <param name="store">The models folder.</param>
/// <param name="contract">The contract a promoted model must match.</param>
/// <param name="servingFile">The daemon's <c>serving.json</c>: folders it serves are never pruned.</param>
internal sealed class ModelRegistry(ModelStore store, FeatureContract contract, string servingFile)
{
    /// <summary>
    /// Points <paramref name="target"/>'s latest at <paramref name="folder"/>. A folder of another models folder (a
    /// candidate instance's) is validated there, copied in under its name, then switched to; refused, the copy is removed.
    /// </summary>
    public ModelSwitch Promote(string target, string folder, SwitchOrigin origin)
    {
        RequireSymbol(target);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var name = Path.GetFileName(full);
        using (store.Journal.Lock())
        {
            var copied = Path.GetDirectoryName(full) != Path.TrimEndingDirectorySeparator(store.Root) && CopyIn(target, full);
            try
            {
                // The same promotion run again after it was stopped part-way: completing it is what was asked.
                return store.Recover().LastOrDefault(e => e.Target == target && e.To == name && e.Action == "promote")
                    ?? Switch(target, name, "promote", origin);
            }
            catch (ModelSwitchRefusedException) when (copied)
            {
                store.Remove(name);
                throw;
            }
        }
    }

    /// <summary>
    /// The content (<see cref="ModelSet.Content"/>) of the models this folder would serve with <paramref name="target"/>'s
    /// latest pointing at <paramref name="folder"/>: every other latest entry as it is (those that cannot serve left out),
    /// and the folder, validated as <see cref="Promote"/> validates it. Changes nothing.
    /// </summary>
    public string ContentIfPromoted(string target, string folder)
    {
        RequireSymbol(target);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var name = Path.GetFileName(full);
        if (!name.StartsWith($"{target}_{store.Tag}_", StringComparison.Ordinal) || name == store.LatestName(target) || !Directory.Exists(full) || new DirectoryInfo(full).LinkTarget is not null)
        {
            throw new ModelSwitchRefusedException($"{full}: not a model folder of {target} (expected {target}_{store.Tag}_<yyyyMMdd_HHmmss>, not a link); refused");
        }

        var check = ModelValidator.Validate(full, contract);
        if (!check.IsOk)
        {
            throw new ModelSwitchRefusedException($"{full}: {check.Status}: {check.Detail}; refused, {store.LatestName(target)} still points at {store.CurrentFolder(target) ?? "nothing"}");
        }

        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (symbol, latest) in store.LatestEntries())
        {
            try
            {
                folders[symbol] = store.ResolveLatest(symbol, latest);
            }
            catch (Exception ex) when (ex is ModelLoadException or IOException or UnauthorizedAccessException)
            {
                // A latest entry that cannot serve is not part of the served set.
            }
        }

        folders[target] = full;
        var models = new List<(string, string, string?)>();
        foreach (var (symbol, path) in folders)
        {
            try
            {
                var meta = File.Exists(Path.Combine(path, ModelStore.MetaFile)) ? ModelLoader.ReadMeta(path).MetaSha256 : null;
                models.Add((symbol, ModelLoader.Sha256(Path.Combine(path, ModelStore.ModelFile)), meta));
            }
            catch (Exception ex) when (ex is ModelLoadException or IOException or UnauthorizedAccessException)
            {
                // Refused by the loader: not served.
            }
        }

        return ModelSet.ContentOf(models);
    }

    public ModelSwitch Rollback(string target, SwitchOrigin origin)
    {
        RequireSymbol(target);
        using (store.Journal.Lock())
        {
            // A rollback stopped part-way is completed, not followed by a second one further back.
            if (store.Recover().LastOrDefault(e => e.Target == target && e.Action == "rollback") is { } completed)
            {
                return completed;
            }

            var current = store.CurrentFolder(target) ?? throw new ModelSwitchRefusedException($"{target}: no {store.LatestName(target)} in {store.Root}; nothing to roll back");
            // Walking back skips rollbacks: the second rollback goes one further back, not forth again.
            var previous = store.Journal.Read().LastOrDefault(e => e.Target == target && e.To == current && e.Action != "rollback")?.From
                ?? throw new ModelSwitchRefusedException($"{target}: no model recorded before {current} in {store.Journal.Path}; nothing to roll back to");
            return Switch(target, previous, "rollback", origin);
        }
    }

    public IReadOnlyList<ModelSwitch> History(string? target) =>
        store.Journal.Read().Where(e => target is null || e.Target == target).ToArray();

    public PruneOutcome Prune(int keep, bool dryRun)
    {
        if (keep < 1)
        {
            throw new ModelSwitchRefusedException($"--keep must be at least 1, got {keep}");
        }

        using (store.Journal.Lock())
        {
            store.Recover();
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (symbol, _) in store.LatestEntries())
            {
                if (store.CurrentFolder(symbol) is { } current)
                {
                    kept.Add(current);
                }
            }

            kept.UnionWith(Serving());
            foreach (var switches in store.Journal.Read().GroupBy(e => e.Target, StringComparer.Ordinal))
            {
                foreach (var entry in switches.TakeLast(keep))
                {
                    kept.Add(entry.To);
                    if (entry.From is { } from)
                    {
                        kept.Add(from);
                    }
                }
            }

            var folders = ModelFolders();
            var removed = folders.Where(f => !kept.Contains(f)).ToArray();
            if (!dryRun)
            {
                foreach (var folder in removed)
                {
                    store.Remove(folder);
                }
            }

            return new PruneOutcome(removed, folders.Where(kept.Contains).ToArray());
        }
    }

    /// <summary>Copies a valid model folder of <paramref name="target"/> from another models folder; false when the same model is already here.</summary>
    private bool CopyIn(string target, string source)
    {
        var name = Path.GetFileName(source);
        if (!name.StartsWith($"{target}_{store.Tag}_", StringComparison.Ordinal) || name == store.LatestName(target) || new DirectoryInfo(source).LinkTarget is not null)
        {
            throw new ModelSwitchRefusedException($"{source}: not a model folder of {target} (expected {target}_{store.Tag}_<yyyyMMdd_HHmmss>, not a link); refused");
        }

        var check = ModelValidator.Validate(source, contract);
        if (!check.IsOk)
        {
            throw new ModelSwitchRefusedException($"{source}: {check.Status}: {check.Detail}; refused, nothing copied");
        }

        if (Directory.Exists(Path.Combine(store.Root, name)))
        {
            return store.ModelSha256(name) == ModelLoader.Sha256(Path.Combine(source, ModelStore.ModelFile))
                ? false
                : throw new ModelSwitchRefusedException($"{source}: {store.Root} already holds another model named {name}; refused, nothing copied");
        }

        store.CopyIn(source);
        return true;
    }

    private ModelSwitch Switch(string target, string folder, string action, SwitchOrigin origin)
    {
        var path = Path.Combine(store.Root, folder);
        if (!folder.StartsWith($"{target}_{store.Tag}_", StringComparison.Ordinal) || folder == store.LatestName(target))
        {
            throw new ModelSwitchRefusedException($"{folder}: not a model folder of {target} (expected {target}_{store.Tag}_<yyyyMMdd_HHmmss>); refused");
        }

        if (!Directory.Exists(path) || new DirectoryInfo(path).LinkTarget is not null)
        {
            throw new ModelSwitchRefusedException($"{path}: no such model folder (or a link); refused");
        }

        var check = ModelValidator.Validate(path, contract);
        if (!check.IsOk)
        {
            throw new ModelSwitchRefusedException($"{path}: {check.Status}: {check.Detail}; refused, {store.LatestName(target)} still points at {store.CurrentFolder(target) ?? "nothing"}");
        }

        if (store.CurrentFolder(target) == folder)
        {
            // Run again after it completed (e.g. to be sure after a crash): nothing to do, nothing recorded twice.
            if (action == "promote" && store.Journal.Read().LastOrDefault(e => e.Target == target) is { } last && last.To == folder)
            {
                return last;
            }

            throw new ModelSwitchRefusedException($"{target}: {store.LatestName(target)} already points at {folder}; nothing to switch");
        }

        return store.SwitchLatest(target, folder, action, origin);
    }

    private string[] ModelFolders() =>
        Directory.Exists(store.Root)
            ? Directory.EnumerateDirectories(store.Root)
                .Where(d => new DirectoryInfo(d).LinkTarget is null)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(n => ModelValidator.FolderPattern().Match(n) is { Success: true } m && !m.Groups["latest"].Success && m.Groups["tag"].Value == store.Tag)
                .Order(StringComparer.Ordinal)
                .ToArray()
            : [];

    private IEnumerable<string> Serving()
    {
        if (!File.Exists(servingFile))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(servingFile));
            return document.RootElement.GetProperty("models").EnumerateObject()
                .Select(m => m.Value.GetProperty("folder").GetString())
                .OfType<string>()
                .ToArray();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new ModelSwitchRefusedException($"{servingFile}: unreadable ({ex.Message}); cannot tell which models the daemon serves, nothing pruned");
        }
    }

    private static void RequireSymbol(string target)
    {
        if (!SymbolInfo.IsValidSymbol(target))
        {
            throw new ModelSwitchRefusedException($"'{target}' is not a valid symbol (upper case letters, digits, '.' and '-', at most 15)");
        }
    }
}
