namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>A model folder that cannot serve; <see cref="Code"/> is what <c>models validate</c> prints. The message is one line.</summary>
internal sealed class ModelLoadException(string folder, string code, string problem) : Exception($"{folder}: {code}: {problem.ReplaceLineEndings(" ")}")
{
    public const string MissingMeta = "MISSING META";
    public const string BadMeta = "BAD META";
    public const string BadNFeatures = "BAD N_FEATURES";
    public const string HashMismatch = "HASH MISMATCH";
    public const string ContractHashMismatch = "CONTRACT HASH MISMATCH";
    public const string Unreadable = "UNREADABLE";
    public const string BrokenLink = "BROKEN LINK";
    public const string LinkOutside = "LINK OUTSIDE MODELS";
    public const string BadArchive = "BAD ARCHIVE";
    public const string MetaHashMismatch = "META HASH MISMATCH";
    public const string LegacyMeta = "LEGACY META";

    public string Folder { get; } = folder;

    public string Code { get; } = code;

    public string Problem { get; } = problem.ReplaceLineEndings(" ");
}
