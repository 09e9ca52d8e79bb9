using AlphaHost.Abstractions;
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
using Serilog.Events;

namespace AlphaHost.Host.Http;

/// <summary>
/// The daemon's HTTP endpoint (<c>host.http</c>): a Kestrel server owned by this hosted service of the daemon's host, in
/// the daemon's process. It starts beside the cycle loop, not before it, and a failure to listen (the port taken, an
/// address not on this machine) is one WARNING, and the daemon runs on DEGRADED (<c>http_unavailable</c>, in the heartbeat and
/// <c>daemon.json</c>) unless <c>host.http.required</c> makes <c>run</c> refuse to start.
/// Requests read only what the cycle loop published; nothing here waits on a cycle or makes one wait.
/// </summary>
internal sealed class HttpEndpointService(
    ConfigStore config,
    HostStatus status,
    SignalFeed feed,
    IServiceProvider daemonServices,
    ILogger<HttpEndpointService> logger) : IHostedService, IAsyncDisposable
{
    /// <summary>Pause between tries to listen after a failure (the port taken by another process that may go away).</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private WebApplication? _app;
    private Task<string?>? _starting;
    private Task _retrying = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = config.Current.Host.Http;
        if (!options.Enabled)
        {
            status.HttpEndpoint = HttpListenState.Disabled;
            logger.LogInformation("HTTP endpoint off (host.http.enabled: false)");
            return Task.CompletedTask;
        }

        if (!options.IsLoopback)
        {
            logger.LogWarning("HTTP endpoint listens on {Listen}, reachable from other machines: metrics, status and signals carry no authentication", options.Listen);
        }

        _retrying = RetryUntilListeningAsync(ListenAsync(), options);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts listening once, on a thread of its own: null once listening, else why not (the state says it too). With
    /// <c>host.http.required</c>, <c>run</c> awaits it before the daemon starts and refuses to run without it.
    /// </summary>
    public Task<string?> ListenAsync()
    {
        lock (_lock)
        {
            if (_starting is null)
            {
                var options = config.Current.Host.Http;
                status.HttpEndpoint = new HttpListenState(HttpState.Starting, options.Listen);
                _starting = Task.Run(() => ListenCoreAsync(options), CancellationToken.None);
            }

            return _starting;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retrying.ConfigureAwait(false);
        if (_starting is { } starting)
        {
            await starting.ConfigureAwait(false);
        }

        feed.Enabled = false;
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a failed start, tries again every <see cref="RetryInterval"/> until the endpoint listens or the daemon stops;
    /// the tries are not logged (the first failure was, and the success is), the state stays <c>failed</c> meanwhile.
    /// </summary>
    private async Task RetryUntilListeningAsync(Task<string?> first, HttpOptions options)
    {
        if (await first.ConfigureAwait(false) is null)
        {
            return;
        }

        var clock = daemonServices.GetRequiredService<TimeProvider>();
        try
        {
            do
            {
                await Task.Delay(RetryInterval, clock, _stopping.Token).ConfigureAwait(false);
                Task<string?> attempt;
                lock (_lock)
                {
                    attempt = _starting = ListenCoreAsync(options, retry: true);
                }

                if (await attempt.ConfigureAwait(false) is null)
                {
                    return;
                }
            }
            while (true);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The daemon stops.
        }
    }

    private async Task<string?> ListenCoreAsync(HttpOptions options, bool retry = false)
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
            status.HttpEndpoint = new HttpListenState(HttpState.Failed, options.Listen, reason);
            if (!options.Required && !retry)
            {
                logger.LogWarning("HTTP endpoint not started ({Reason}); the daemon runs on DEGRADED (http_unavailable) without metrics, probes and the signal stream, and tries again every {RetryInterval}", reason, DurationText.Format(RetryInterval));
            }

            await app.DisposeAsync().ConfigureAwait(false);
            return reason;
        }

        _app = app;
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var listen = bound is null ? options.Listen : new Uri(bound).Authority;
        feed.Enabled = true;
        status.HttpEndpoint = new HttpListenState(HttpState.Listening, listen);
        logger.LogInformation("HTTP endpoint listening on http://{Listen}/ (metrics /metrics, probes /health/live and /health/ready, status /api/status, signals /api/signals/latest and /api/signals/stream)", listen);
        return null;
    }

    /// <summary>The web application: Kestrel on <paramref name="options"/>, the daemon's published state shared by reference.</summary>
    internal static WebApplication Build(HttpOptions options, IServiceProvider daemon)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "alphahost", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(EndpointLogger(daemon.GetRequiredService<Serilog.ILogger>()), dispose: true);
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

            // Any local user can open connections: each costs a file descriptor the cycle loop also needs. Beyond the limit
            // a connection is accepted and closed at once (kestrel_rejected_connections_total), and one that sends nothing
            // is closed after the headers timeout.
            var limits = kestrel.Limits;
            limits.MaxConcurrentConnections = options.MaxConnections;
            limits.MaxConcurrentUpgradedConnections = 0;
            limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            limits.KeepAliveTimeout = options.KeepAliveTimeout;
            limits.MaxRequestHeadersTotalSize = options.MaxRequestHeaderBytes;
            limits.MaxRequestLineSize = Math.Min(limits.MaxRequestLineSize, options.MaxRequestHeaderBytes);
            limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        });
        // DNS rebinding: a web page on evil.example resolving to 127.0.0.1 sends Host: evil.example; only loopback names and
        // the configured address are served (400 otherwise). The web defaults' host filtering middleware applies these options.
        builder.Services.AddHostFiltering(filter =>
        {
            filter.AllowedHosts = [.. options.HostNames];
            filter.IncludeFailureMessage = false;
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
            .AddMeter(daemon.GetRequiredService<AlphaHostMetrics>().Meter.Name, "System.Runtime", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        var app = builder.Build();
        app.MapPrometheusScrapingEndpoint("/metrics");
        HttpRoutes.Map(app);
        return app;
    }

    /// <summary>
    /// The daemon's logger for the endpoint's framework: a start failure is reported by <see cref="ListenCoreAsync"/> in one
    /// line (not by the framework's host, with a stack trace), and Kestrel's warning per refused connection would let a
    /// connection flood write the log full.
    /// </summary>
    private static Serilog.Core.Logger EndpointLogger(Serilog.ILogger daemon) => new LoggerConfiguration()
        .MinimumLevel.Verbose()
        .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
        .MinimumLevel.Override("Microsoft.AspNetCore.Server.Kestrel", LogEventLevel.Error)
        .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
        .WriteTo.Logger(daemon)
        .CreateLogger();
}
