using AlphaHost.Host.Configuration;
using AlphaHost.Host.Health;
using AlphaHost.Host.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Serilog;

namespace AlphaHost.Host.Http;

/// <summary>
/// The daemon's HTTP endpoint (<c>host.http</c>): a Kestrel server owned by this hosted service of the daemon's host, in
/// the daemon's process. It starts beside the cycle loop, not before it, and a failure to listen (the port taken, an
/// address not on this machine) is logged and shown in the heartbeat and <c>daemon.json</c> while the daemon runs on.
/// Requests read only what the cycle loop published; nothing here waits on a cycle or makes one wait.
/// </summary>
internal sealed class HttpEndpointService(
    ConfigStore config,
    HostStatus status,
    SignalFeed feed,
    IServiceProvider daemonServices,
    ILogger<HttpEndpointService> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = config.Current.Host.Http;
        if (!options.Enabled)
        {
            status.HttpEndpoint = HttpListenState.Disabled;
            logger.LogInformation("HTTP endpoint off (host.http.enabled: false)");
            return Task.CompletedTask;
        }

        status.HttpEndpoint = new HttpListenState("starting", options.Listen);
        if (!options.IsLoopback)
        {
            logger.LogWarning("HTTP endpoint listens on {Listen}, reachable from other machines: metrics, status and signals carry no authentication", options.Listen);
        }

        _starting = Task.Run(() => ListenAsync(options), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _starting.ConfigureAwait(false);
        feed.Enabled = false;
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ListenAsync(HttpOptions options)
    {
        var app = Build(options, daemonServices);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            var reason = ex is Microsoft.AspNetCore.Connections.AddressInUseException || ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
                ? $"address {options.Listen} in use"
                : $"cannot listen on {options.Listen}: {ex.Message}";
            status.HttpEndpoint = new HttpListenState("failed", options.Listen, reason);
            logger.LogWarning("HTTP endpoint not started ({Reason}); the daemon runs on without metrics, probes and the signal stream until it is restarted with a free host.http.listen", reason);
            await app.DisposeAsync().ConfigureAwait(false);
            return;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var listen = bound is null ? options.Listen : new Uri(bound).Authority;
        feed.Enabled = true;
        status.HttpEndpoint = new HttpListenState("listening", listen);
        logger.LogInformation("HTTP endpoint listening on http://{Listen}/ (metrics /metrics, probes /health/live and /health/ready, status /api/status, signals /api/signals/latest and /api/signals/stream)", listen);
    }

    /// <summary>The web application: Kestrel on <paramref name="options"/>, the daemon's published state shared by reference.</summary>
    internal static WebApplication Build(HttpOptions options, IServiceProvider daemon)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "alphahost", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSerilog(daemon.GetRequiredService<Serilog.ILogger>(), dispose: false);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (options.Address is { } address)
            {
                kestrel.Listen(address, options.Port);
            }
            else
            {
                kestrel.ListenLocalhost(options.Port);
            }
        });
        builder.WebHost.UseSetting(WebHostDefaults.PreventHostingStartupKey, "true");
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        foreach (var shared in new[] { typeof(HostStatus), typeof(ConfigStore), typeof(SignalFeed), typeof(TimeProvider), typeof(Logging.LogFileHealth), typeof(Daemon.DaemonIdentity), typeof(AlphaHostMetrics) })
        {
            builder.Services.AddSingleton(shared, daemon.GetRequiredService(shared));
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("alphahost", serviceVersion: daemon.GetRequiredService<Daemon.DaemonIdentity>().Version))
            .WithMetrics(metrics => metrics
            .AddMeter(daemon.GetRequiredService<AlphaHostMetrics>().Meter.Name, "System.Runtime")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        HttpRoutes.Map(app);
        return app;
    }
}
