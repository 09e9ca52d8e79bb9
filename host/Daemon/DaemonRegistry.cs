using System.Text.Json;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;

namespace AlphaHost.Host.Daemon;

/// <summary>
/// The running daemons of the machine, for operator commands given no <c>--config</c>: one small JSON file per daemon
/// (<c>&lt;pid&gt;.json</c>: pid, config, runtime folder), written atomically once its runtime lock is held and removed when
/// it stops. It lives in <c>$XDG_RUNTIME_DIR/alphahost/</c> when that is set, else in <c>/run/alphahost/</c> (systemd's
/// <c>RuntimeDirectory=alphahost</c>); commands read both. <see cref="FolderVariable"/> names the one folder instead (tests,
/// several installations kept apart). An entry whose runtime lock is no longer held (a daemon killed with <c>kill -9</c>)
/// is stale: ignored, and removed when the reader may.
/// </summary>
internal static class DaemonRegistry
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An environment variable naming the registry folder, which is then the only one written and read.</summary>
    public const string FolderVariable = "ALPHAHOST_REGISTRY_DIR";

    /// <summary>The folders looked in, the one written to first.</summary>
    public static IReadOnlyList<string> Folders()
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } only)
        {
            return [Path.GetFullPath(only)];
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return string.IsNullOrWhiteSpace(xdg) ? ["/run/alphahost"] : [Path.Combine(xdg, "alphahost"), "/run/alphahost"];
    }

    /// <summary>Registers this daemon; disposing the result removes the entry. Null when no registry folder is writable.</summary>
    /// <param name="identity">The daemon.</param>
    /// <param name="folders">Where to try, first to last (default: <see cref="Folders"/>).</param>
    public static IDisposable? Register(DaemonIdentity identity, IReadOnlyList<string>? folders = null)
    {
        var entry = new DaemonEntry(identity.Pid, identity.Config, identity.Paths.RuntimeDir, identity.StartedAt);
        foreach (var folder in folders ?? Folders())
        {
            var path = Path.Combine(folder, $"{identity.Pid}.json");
            try
            {
                AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(entry, Json), durable: false);
                return new Registration(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not writable by this user (/run/alphahost without systemd's RuntimeDirectory): try the next one.
            }
        }

        return null;
    }

    /// <summary>The daemons that run now: entries whose runtime folder's lock is held, each once.</summary>
    /// <param name="folders">Where to look (default: <see cref="Folders"/>).</param>
    public static IReadOnlyList<DaemonEntry> Running(IReadOnlyList<string>? folders = null)
    {
        var running = new List<DaemonEntry>();
        foreach (var file in (folders ?? Folders()).Where(Directory.Exists).SelectMany(folder => Directory.EnumerateFiles(folder, "*.json")))
        {
            if (Read(file) is { } entry && RuntimeLock.IsHeld(new RuntimePaths("", entry.RuntimeDir)))
            {
                running.Add(entry);
            }
            else
            {
                // A daemon writes its entry only once it holds the lock: without the lock the entry is left over.
                new Registration(file).Dispose();
            }
        }

        return running.DistinctBy(e => e.Pid).ToList();
    }

    /// <summary>Where the registry is looked for, for messages.</summary>
    public static string Where() => string.Join(" and ", Folders());

    private static DaemonEntry? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DaemonEntry>(File.ReadAllBytes(path), Json) is { Config: not null, RuntimeDir: not null } entry ? entry : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private sealed class Registration(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover entry is stale once the lock is released, and ignored.
            }
        }
    }
}

/// <summary>One running daemon in the registry.</summary>
/// <param name="Pid">Its process id.</param>
/// <param name="Config">The full path of the config file it serves.</param>
/// <param name="RuntimeDir">Its runtime folder.</param>
/// <param name="StartedAt">When it started.</param>
internal sealed record DaemonEntry(int Pid, string Config, string RuntimeDir, DateTimeOffset StartedAt);
