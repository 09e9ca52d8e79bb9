namespace AlphaHost.Host.Internal;

/// <summary>
/// The one place that decides how a credential shows in a log line, a status record or an endpoint. A webhook URL
/// carries its secret in the path (Slack-style tokens), the query (<c>?key=</c>) or the user info, so only its scheme,
/// host and port are shown: <c>https://hooks.example/***</c>.
/// </summary>
internal static class Redact
{
    private const string Hidden = "***";

    /// <summary><paramref name="url"/> with everything but scheme, host and port hidden; <c>***</c> when it is no absolute URL.</summary>
    public static string Url(string url)
    {
        if (url.Length == 0)
        {
            return "";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile || uri.Host.Length == 0)
        {
            return Hidden;
        }

        return $"{uri.Scheme}://{uri.Authority}/{Hidden}";
    }

    /// <summary>
    /// <paramref name="text"/> (an error message, say) with every part of <paramref name="url"/> that may be secret (the
    /// whole URL, its user info, its path and query) replaced by <c>***</c>.
    /// </summary>
    public static string In(string text, string url)
    {
        if (url.Length == 0 || text.Length == 0)
        {
            return text;
        }

        text = text.Replace(url, Url(url), StringComparison.Ordinal);
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            foreach (var secret in new[] { uri.UserInfo, Uri.UnescapeDataString(uri.UserInfo), uri.PathAndQuery, uri.AbsolutePath, uri.Query }.Where(s => s.Length > 1))
            {
                text = text.Replace(secret, Hidden, StringComparison.Ordinal);
            }
        }

        return text;
    }
}
