using System.Text;
using System.Text.Json;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace AlphaHost.Host.Http;

/// <summary>The endpoint's routes besides <c>/metrics</c>.</summary>
internal static class HttpRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Content(Dashboard.DashboardPage.Live, "text/html; charset=utf-8"));
        app.MapGet("/api/history", (Daemon.DaemonIdentity identity) => Results.Text(Dashboard.DashboardHistory.Read(identity.Paths.LogsDir).ToJsonString(), "application/json"));
        app.MapGet("/health/live", () => Results.Json(new { live = true }, StatusJson.Options));
        app.MapGet("/health/ready", (HostStatus status, ConfigStore config, TimeProvider clock) =>
        {
            var ready = Readiness.Of(DaemonStatus.Of(status, config.Current, clock));
            return Results.Json(ready, StatusJson.Options, statusCode: ready.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        app.MapGet("/api/status", (DaemonIdentity identity, HostStatus status, ConfigStore config, TimeProvider clock) =>
            Results.Json(StatusView.Of(identity, DaemonStatus.Of(status, config.Current, clock), config), StatusJson.Options));
        app.MapGet("/api/signals/latest", (SignalFeed feed) => feed.Latest is { } latest
            ? Results.Bytes(latest.Json, "application/json")
            : Results.Json(new { error = "no cycle has produced signals since the daemon started" }, StatusJson.Options, statusCode: StatusCodes.Status404NotFound));
        app.MapGet("/api/signals/stream", StreamAsync);
    }

    /// <summary>
    /// Server-Sent Events: one <c>cycle</c> event per cycle (<c>id</c> the cycle number, <c>data</c> the cycle as
    /// <c>/api/signals/latest</c> has it). A client that reads too slowly misses cycles (its queue keeps the newest); the
    /// stream ends when the client goes or the daemon stops.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, SignalFeed feed, IHostApplicationLifetime lifetime)
    {
        using var client = feed.Subscribe();
        if (client is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync($"at most {SignalFeed.MaxClients} clients may follow the signal stream at once\n").ConfigureAwait(false);
            return;
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        var body = context.Response.Body;
        try
        {
            await body.WriteAsync(": alphahost signal stream, one event per cycle\n\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
            await body.FlushAsync(ending.Token).ConfigureAwait(false);
            await foreach (var cycle in client.Reader.ReadAllAsync(ending.Token).ConfigureAwait(false))
            {
                await body.WriteAsync(Encoding.UTF8.GetBytes($"id: {cycle.Cycle}\nevent: cycle\ndata: "), ending.Token).ConfigureAwait(false);
                await body.WriteAsync(cycle.Json, ending.Token).ConfigureAwait(false);
                await body.WriteAsync("\n\n"u8.ToArray(), ending.Token).ConfigureAwait(false);
                await body.FlushAsync(ending.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away or the daemon stops.
        }
    }
}
