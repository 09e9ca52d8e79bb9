using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AlphaHost.Host.Market;

/// <summary>Why a bar folder entry is not read.</summary>
internal enum EntryRefusal
{
    /// <summary>Not there (removed, renamed, or a link to nothing).</summary>
    Missing,

    /// <summary>A FIFO, socket, device or folder: opening or reading it could block or never end.</summary>
    NotRegular,

    /// <summary>A regular file of no bytes: no header.</summary>
    Empty,

    /// <summary>Larger than its configured maximum (or than .NET can hold in one array).</summary>
    TooLarge,
}

/// <summary>A bar folder entry that is not read, with a one-line reason naming the file.</summary>
internal sealed record EntryRefused(EntryRefusal Refusal, string Reason);

/// <summary>
/// The one way every bar folder file is opened, at start and while following: regular, non-empty files within their
/// size limit only. Opening a FIFO blocks until a writer comes (the cycle loop would hang) and a device such as
/// <c>/dev/zero</c> never ends, so on Linux the file is opened non-blocking and its handle's type and size are checked
/// (open, then look at what was opened: a check of the path before opening would race with a swap). Elsewhere the path
/// is checked before opening (every FIFO and device reports a length of 0 there).
/// </summary>
internal static class BarFolderEntry
{
    /// <summary>
    /// Opens <paramref name="path"/> for reading. Throws <see cref="InvalidDataException"/> naming the file (and
    /// <paramref name="maxKey"/> when it is too large) when it is not read; other I/O errors pass through.
    /// </summary>
    public static FileStream Open(string path, long maxBytes, string maxKey) =>
        TryOpen(path, maxBytes, maxKey, out var refused) ?? throw new InvalidDataException(refused!.Reason);

    /// <summary>Opens <paramref name="path"/> for reading, or returns null and why not; other I/O errors are thrown.</summary>
    public static FileStream? TryOpen(string path, long maxBytes, string maxKey, out EntryRefused? refused)
    {
        var stream = OperatingSystem.IsLinux() ? OpenLinux(path, out refused) : OpenChecked(path, out refused);
        if (stream is null)
        {
            return null;
        }

        var length = stream.Length;
        var limit = Math.Min(maxBytes, Array.MaxLength);
        if (length == 0 || length > limit)
        {
            stream.Dispose();
            refused = length == 0
                ? Refused(EntryRefusal.Empty, path, "empty file (no header)")
                : Refused(EntryRefusal.TooLarge, path, $"{length} bytes, larger than {maxKey} ({limit} bytes)");
            return null;
        }

        return stream;
    }

    private static FileStream? OpenLinux(string path, out EntryRefused? refused)
    {
        refused = null;
        var fd = OpenFile(path, ReadOnly | NonBlocking | CloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            refused = errno == NoEntry
                ? Refused(EntryRefusal.Missing, path, "not there (removed or renamed, or a link to nothing)")
                : throw new IOException($"{path}: cannot open ({Marshal.GetPInvokeErrorMessage(errno)})");
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        var stat = new byte[StatxLength];
        if (StatX(fd, "", EmptyPath, StatxType | StatxSize, stat) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw new IOException($"{path}: cannot read its file type ({Marshal.GetPInvokeErrorMessage(errno)})");
        }

        var type = MemoryMarshal.Read<ushort>(stat.AsSpan(StatxModeOffset)) & TypeMask;
        if (type != RegularFile)
        {
            handle.Dispose();
            refused = Refused(EntryRefusal.NotRegular, path, $"{TypeName(type)}, not a regular file; only regular files are read");
            return null;
        }

        return new FileStream(handle, FileAccess.Read, bufferSize: 1);
    }

    private static FileStream? OpenChecked(string path, out EntryRefused? refused)
    {
        var info = new FileInfo(path);
        var target = info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true);
        refused = target is null || !target.Exists
            ? Refused(EntryRefusal.Missing, path, "not there (removed or renamed, or a link to nothing)")
            : target is not FileInfo { Length: > 0 }
                ? Refused(EntryRefusal.NotRegular, path, "empty, or not a regular file (a FIFO or a device); only regular files are read")
                : null;
        if (refused is not null)
        {
            return null;
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
    }

    private static EntryRefused Refused(EntryRefusal refusal, string path, string why)
    {
        var link = new FileInfo(path).LinkTarget;
        return new EntryRefused(refusal, link is null ? $"{path}: {why}" : $"{path} (symbolic link to {link}): {why}");
    }

    private static string TypeName(int type) => type switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a folder",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "of an unknown file type",
    };

    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800;      // O_NONBLOCK: opening a FIFO with no writer returns at once
    private const int CloseOnExec = 0x80000;    // O_CLOEXEC: a family's worker started meanwhile does not inherit it
    private const int NoEntry = 2;              // ENOENT
    private const int EmptyPath = 0x1000;       // AT_EMPTY_PATH: statx of the descriptor itself
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int StatxLength = 256;      // struct statx: the kernel fixes its layout on every architecture
    private const int StatxModeOffset = 28;   // its stx_mode (16 bits)
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int OpenFile(string path, int flags);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
