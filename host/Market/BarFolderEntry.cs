namespace AlphaHost.Host.Market;

/// <summary>
/// Which entries of a bar folder may be opened: regular files only. Opening a FIFO blocks until a writer comes (the
/// daemon would hang at start) and a device such as <c>/dev/zero</c> never ends, so neither is opened. .NET does not
/// expose a file's type on Unix; every FIFO, socket and character or block device reports a length of 0, so an entry
/// (or a link's final target) of length 0 is refused without being opened: an empty regular file has no header anyway.
/// </summary>
internal static class BarFolderEntry
{
    /// <summary>Why the entry is not read, or null when it is a non-empty regular file (directly or through links).</summary>
    public static string? Kind(string path)
    {
        var info = new FileInfo(path);
        var link = info.LinkTarget;
        if (link is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !target.Exists)
            {
                return $"symbolic link to {link}, which does not exist or is not a file; skipped";
            }

            if (target is not FileInfo file || file.Length == 0)
            {
                return $"symbolic link to {target.FullName}, which is empty or not a regular file (a FIFO or a device); only regular files are read; skipped";
            }

            return null;
        }

        return info.Exists && info.Length > 0 ? null : "empty, or not a regular file (a FIFO or a device); only regular files are read; skipped";
    }
}
