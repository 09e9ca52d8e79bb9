using System.IO.Compression;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// Checks a <c>model.zip</c> before ML.NET opens it (which extracts its entries to temp files): entry names that stay
/// inside the archive (not rooted, no <c>..</c>, no backslash), at most
/// <see cref="MaxEntries"/> entries, at most <see cref="MaxUncompressedBytes"/> in all, no entry larger than
/// <see cref="RatioFloorBytes"/> that expands more than <see cref="MaxRatio"/> times. Only the declared sizes need checking:
/// System.IO.Compression stops reading an entry at its declared size, so an entry that holds more yields no more than
/// that (and then fails to load as a model). A model this family trains is a few entries of some kilobytes to a few
/// megabytes, compressed 2-5 times.
/// </summary>
internal static class ModelArchive
{
    public const int MaxEntries = 64;
    public const long MaxUncompressedBytes = 256L << 20;
    public const long RatioFloorBytes = 1L << 20;
    public const int MaxRatio = 100;

    /// <summary>Throws <see cref="ModelLoadException"/>: <see cref="ModelLoadException.BadArchive"/> naming the entry and the limit, or <see cref="ModelLoadException.Unreadable"/> for a file that is no zip.</summary>
    public static void Check(string folder, string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            if (zip.Entries.Count > MaxEntries)
            {
                throw Refused(folder, $"{zip.Entries.Count} entries, at most {MaxEntries} allowed");
            }

            var total = 0L;
            foreach (var entry in zip.Entries)
            {
                if (Path.IsPathRooted(entry.FullName) || entry.FullName.Contains('\\') || entry.FullName.Split('/').Contains(".."))
                {
                    throw Refused(folder, $"entry {entry.FullName} names a path outside the archive");
                }

                total += entry.Length;
                if (total > MaxUncompressedBytes)
                {
                    throw Refused(folder, $"entry {entry.FullName} brings the uncompressed size past {MaxUncompressedBytes >> 20} MiB");
                }

                if (entry.Length > RatioFloorBytes && entry.Length > (long)MaxRatio * Math.Max(1, entry.CompressedLength))
                {
                    throw Refused(folder, $"entry {entry.FullName} expands {entry.Length / Math.Max(1, entry.CompressedLength)} times ({entry.CompressedLength} -> {entry.Length} bytes), at most {MaxRatio} allowed");
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new ModelLoadException(folder, ModelLoadException.Unreadable, $"{ModelStore.ModelFile}: not a readable zip: {ex.Message}");
        }
    }

    private static ModelLoadException Refused(string folder, string problem) => new(folder, ModelLoadException.BadArchive, $"{ModelStore.ModelFile}: {problem}");
}
