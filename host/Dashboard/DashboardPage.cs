using System.Text.Json;
using System.Text.Json.Nodes;

namespace AlphaHost.Host.Dashboard;

/// <summary>
/// The dashboard page, shipped inside the assembly (no file or network needed): served at <c>/</c>, where it reads the
/// endpoint's APIs, and written by <c>alphahost dashboard --out DIR</c> with the data inlined.
/// </summary>
internal static class DashboardPage
{
    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("AlphaHost.Host.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("the dashboard page is missing from the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page that reads <c>api/history</c>, <c>api/status</c> and <c>api/signals/latest</c> of the daemon serving it.</summary>
    public static string Live => Template.Value;

    /// <summary>The page with its data inlined: it needs no daemon.</summary>
    public static string Static(JsonObject history, JsonNode? latest)
    {
        var data = new JsonObject { ["history"] = history, ["status"] = null, ["latest"] = latest };
        // "</" cannot end the script element early: the encoder escapes '<'.
        var json = data.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        return Template.Value.Replace("<script>\n\"use strict\";", $"<script>window.ALPHAHOST_DATA = {json};</script>\n<script>\n\"use strict\";", StringComparison.Ordinal);
    }
}
