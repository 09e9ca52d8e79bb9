using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using AlphaHost.Abstractions;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Alerts;

/// <summary>
/// Delivers alert events on a thread of its own: to <c>alerts.command</c> (the event's JSON on stdin) and
/// <c>alerts.webhook</c> (POSTed), each tried <c>1 + alerts.retries</c> times with a doubling pause. Events wait in a
/// queue of <c>alerts.queue_size</c>; when it is full the oldest waiting one is dropped and that is logged. Nothing
/// here is awaited by the cycle loop. Every delivery and every failure is logged (component <c>ALERTS</c>).
/// </summary>
internal sealed class AlertDispatcher : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ConfigStore _config;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertDispatcher> _logger;
    private readonly Channel<AlertEvent> _queue;
    private readonly HttpClient _http;

    public AlertDispatcher(ConfigStore config, TimeProvider clock, ILogger<AlertDispatcher> logger, HttpMessageHandler? handler = null)
    {
        (_config, _clock, _logger) = (config, clock, logger);
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
        _queue = Channel.CreateBounded<AlertEvent>(
            new BoundedChannelOptions(config.Current.Alerts.QueueSize) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => _logger.LogError("Alert {Alert} {Status} dropped undelivered: {QueueSize} alerts already wait for delivery (alerts.queue_size)",
                dropped.Alert, dropped.Status, _config.Current.Alerts.QueueSize));
    }

    /// <summary>Events delivered to every target, or given up on, since start.</summary>
    public long Handled { get; private set; }

    /// <summary>Queues an event; never waits.</summary>
    public void Enqueue(AlertEvent alert)
    {
        var options = _config.Current.Alerts;
        _logger.Log(alert.Status == AlertEvent.Firing ? LogLevel.Warning : LogLevel.Information, "Alert {Alert} {Status}: {Summary}{Targets}",
            alert.Alert, alert.Status, alert.Summary, options.HasTarget ? "" : " (no alerts.command or alerts.webhook configured)");
        if (options.HasTarget)
        {
            _queue.Writer.TryWrite(alert);
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _http.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var alert in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await DeliverAsync(alert, stoppingToken).ConfigureAwait(false);
                Handled++;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: events still waiting are not delivered (each was logged when it was queued).
        }
    }

    internal async Task DeliverAsync(AlertEvent alert, CancellationToken cancel)
    {
        var options = _config.Current.Alerts;
        var body = JsonSerializer.SerializeToUtf8Bytes(alert, Json);
        if (options.Command.Length > 0)
        {
            await WithRetriesAsync(alert, "command", options, t => RunCommandAsync(options.Command, alert, body, t), cancel).ConfigureAwait(false);
        }

        if (options.Webhook.Length > 0)
        {
            // The URL's path and query are a credential (Slack-style tokens): only scheme and host reach the log.
            await WithRetriesAsync(alert, "webhook " + Redact.Url(options.Webhook), options, t => PostAsync(options.Webhook, body, t), cancel, options.Webhook).ConfigureAwait(false);
        }
    }

    private async Task WithRetriesAsync(AlertEvent alert, string target, AlertOptions options, Func<CancellationToken, Task<string?>> attempt, CancellationToken cancel,
        string secret = "")
    {
        var delay = options.RetryDelay;
        for (var tryNumber = 1; ; tryNumber++)
        {
            string? failure;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                timeout.CancelAfter(options.Timeout);
                try
                {
                    failure = await attempt(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    failure = $"no answer within {DurationText.Format(options.Timeout)} (alerts.timeout)";
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or System.ComponentModel.Win32Exception or InvalidOperationException)
                {
                    failure = ex.Message;
                }
            }

            failure = failure is null ? null : Redact.In(failure, secret);
            if (failure is null)
            {
                _logger.LogInformation("Alert {Alert} {Status} delivered to {Target} (try {Try})", alert.Alert, alert.Status, target, tryNumber);
                return;
            }

            if (tryNumber > options.Retries)
            {
                _logger.LogError("Alert {Alert} {Status} could not be delivered to {Target} after {Tries} tries: {Error}", alert.Alert, alert.Status, target, tryNumber, failure);
                return;
            }

            _logger.LogWarning("Alert {Alert} {Status}: try {Try} to {Target} failed ({Error}); trying again in {Delay}", alert.Alert, alert.Status, tryNumber, target, failure, DurationText.Format(delay));
            await Task.Delay(delay, _clock, cancel).ConfigureAwait(false);
            delay *= 2;
        }
    }

    /// <summary>Runs the command with the event on stdin; null when it exits 0, else why not.</summary>
    private static async Task<string?> RunCommandAsync(string command, AlertEvent alert, byte[] body, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["ALPHAHOST_ALERT"] = alert.Alert;
        start.Environment["ALPHAHOST_ALERT_STATUS"] = alert.Status;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh could not be started");
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        _ = process.StandardOutput.ReadToEndAsync(cancel);
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(body, cancel).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command did not read its stdin; its exit code decides.
        }

        try
        {
            await process.WaitForExitAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode == 0)
        {
            return null;
        }

        var error = (await stderr.ConfigureAwait(false)).Trim().ReplaceLineEndings(" ");
        return $"exit code {process.ExitCode}" + (error.Length == 0 ? "" : ": " + (error.Length > 200 ? error[..200] + "..." : error));
    }

    /// <summary>POSTs the event; null on a 2xx answer, else the status.</summary>
    private async Task<string?> PostAsync(string url, byte[] body, CancellationToken cancel)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(url, content, cancel).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
