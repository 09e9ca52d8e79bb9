namespace AlphaHost.Host.Configuration;

/// <summary>
/// The <c>plugins:</c> section: which plugin builds the operator trusts. A plugin folder listed in
/// <c>trusted</c> loads only when the SHA-256 of its main assembly is one of the pinned hashes; with
/// <c>require_trusted: true</c> a folder that is not listed is refused too.
/// </summary>
internal sealed record PluginTrustOptions
{
    /// <summary>Whether only pinned plugins may load.</summary>
    /// <value>The default value is false: unpinned plugins load (pinned ones must still match).</value>
    public bool RequireTrusted { get; init; }

    /// <summary>Plugin folder name to the lower-case hex SHA-256 hashes its main assembly may have.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Trusted { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>A text that is equal for equal settings, to notice a change of trust.</summary>
    public string Fingerprint =>
        $"{RequireTrusted}|{string.Join(";", Trusted.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={string.Join(",", t.Value)}"))}";

    /// <summary>Why a folder's main assembly may not load, or null when it may.</summary>
    /// <param name="folderName">The plugin folder's name.</param>
    /// <param name="sha256">The lower-case hex SHA-256 of its main assembly.</param>
    public string? Refusal(string folderName, string sha256)
    {
        if (Trusted.TryGetValue(folderName, out var pinned))
        {
            return pinned.Contains(sha256, StringComparer.Ordinal)
                ? null
                : $"untrusted: main assembly SHA-256 {sha256} is not the one pinned in plugins.trusted.{folderName} ({string.Join(", ", pinned.Select(p => p[..16] + "…"))}); refusing a changed or tampered build";
        }

        return RequireTrusted
            ? $"untrusted: plugins.require_trusted is on and plugins.trusted has no entry for {folderName} (SHA-256 {sha256})"
            : null;
    }
}
