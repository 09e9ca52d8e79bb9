using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AlphaHost.Abstractions;
using AlphaHost.Host.Alerts;
using AlphaHost.Host.Configuration;
using AlphaHost.Host.Daemon;
using AlphaHost.Host.Health;
using AlphaHost.Host.Logging;
using AlphaHost.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlphaHost.Tests.Alerts;

/// <summary>Alert hooks: a loopback webhook receiver and a command hook, fed by the watcher from a known history of states.</summary>
public sealed class AlertTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z"));
    private readonly WebhookReceiver _receiver = new();
    private readonly CapturingLogger<AlertDispatcher> _log = new();

    [Fact]
    public async Task Transitions_WebhookAndCommandEachGetExactlyOneEventPerTransition()
    {
        var hookFile = _dir.File("hook.jsonl");
        var config = Config(new AlertOptions { Webhook = _receiver.Url, Command = $"cat >> '{hookFile}'; echo >> '{hookFile}'", RetryDelay = TimeSpan.FromMilliseconds(10) });
        var status = new HostStatus(_clock);
        var (watcher, dispatcher) = Alerts(config, status);
        await dispatcher.StartAsync(CancellationToken.None);

        Publish(status, 1, FamilyState.Ok);
        watcher.Evaluate();
        Publish(status, 2, FamilyState.DisabledGovernance);
        watcher.Evaluate();
        Publish(status, 3, FamilyState.DisabledGovernance);
        watcher.Evaluate();
        _clock.Advance(StallRule.Limit(config.Current) + TimeSpan.FromSeconds(1));
        watcher.Evaluate();
        watcher.Evaluate();
        Publish(status, 4, FamilyState.Ok);
        watcher.Evaluate();
        Publish(status, 5, FamilyState.Quarantined);
        watcher.Evaluate();
        Publish(status, 6, FamilyState.Ok);
        watcher.Evaluate();
        watcher.Evaluate();

        string[] expected =
        [
            "governance_disabled firing ml_alpha", "halted firing ", "loop_stalled firing ",
            "governance_disabled resolved ml_alpha", "halted resolved ", "loop_stalled resolved ",
            "family_quarantined firing ml_alpha", "family_quarantined resolved ml_alpha",
        ];
        Assert.Equal(expected.Length, _log.Snapshot().Count(e => e.Message.StartsWith("Alert ", StringComparison.Ordinal) && !e.Message.Contains(" delivered to ")));
        await Poll.UntilAsync(() => dispatcher.Handled == expected.Length);
        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Equal(expected, _receiver.Bodies.Select(Describe));
        Assert.Equal(expected, File.ReadAllLines(hookFile).Where(l => l.Length > 0).Select(Describe));
        using var first = JsonDocument.Parse(_receiver.Bodies[0]);
        Assert.Equal("DISABLED_GOVERNANCE", first.RootElement.GetProperty("ml_state").GetString());
        Assert.Equal("tripped: feature_mismatch", first.RootElement.GetProperty("detail").GetString());
        Assert.EndsWith("alerts.yaml", first.RootElement.GetProperty("config").GetString());
        Assert.Equal(2 * expected.Length, _log.Snapshot().Count(e => e.Message.Contains(" delivered to ")));
    }

    [Fact]
    public async Task Webhook_FailsThenAnswers_RetriedAndDeliveredOnce()
    {
        _receiver.FailNext(2);
        var config = Config(new AlertOptions { Webhook = _receiver.Url, Retries = 3, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var dispatcher = new AlertDispatcher(config, TimeProvider.System, _log);

        await dispatcher.DeliverAsync(Event("halted"), CancellationToken.None);

        Assert.Equal(3, _receiver.Requests);
        Assert.Single(_receiver.Bodies);
        var events = _log.Snapshot();
        Assert.Equal(2, events.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("failed (HTTP 500")));
        Assert.Contains(events, e => e.Message.Contains("delivered to webhook") && e.Message.Contains("(try 3)"));
    }

    [Fact]
    public async Task Command_KeepsFailing_GivesUpAfterItsRetriesWithOneError()
    {
        var config = Config(new AlertOptions { Command = "echo broken mailer >&2; exit 3", Retries = 2, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var dispatcher = new AlertDispatcher(config, TimeProvider.System, _log);

        await dispatcher.DeliverAsync(Event("data_overdue"), CancellationToken.None);

        var error = Assert.Single(_log.Snapshot(), e => e.Level == LogLevel.Error);
        Assert.Contains("could not be delivered to command after 3 tries: exit code 3: broken mailer", error.Message);
    }

    [Fact]
    public void Enqueue_QueueFull_DropsTheOldestAndLogsIt()
    {
        var config = Config(new AlertOptions { Webhook = _receiver.Url, QueueSize = 2 });
        var dispatcher = new AlertDispatcher(config, TimeProvider.System, _log);

        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            dispatcher.Enqueue(Event(name));
        }

        var dropped = _log.Snapshot().Where(e => e.Level == LogLevel.Error).Select(e => e.Message).ToList();
        Assert.Equal(2, dropped.Count);
        Assert.StartsWith("Alert a firing dropped undelivered", dropped[0]);
    }

    [Fact]
    public void Evaluate_StartingIsNotHalted_AndAGovernanceDecisionFoundAtStartFiresOnce()
    {
        var config = Config(new AlertOptions());
        var status = new HostStatus(_clock) { LoadedFamilies = [new("ml_alpha", true, false, FamilyState.DisabledGovernance, true, 3, "since yesterday")] };
        var (watcher, _) = Alerts(config, status);

        watcher.Evaluate();
        watcher.Evaluate();

        var fired = _log.Snapshot().Where(e => e.Message.StartsWith("Alert ", StringComparison.Ordinal)).Select(e => e.Message).ToList();
        Assert.Equal(["Alert governance_disabled firing: ml_alpha is disabled by its governance (no alerts.command or alerts.webhook configured)"], fired);
    }

    [Fact]
    public void Load_AlertsSection_ReadsTargetsAndRefusesABadWebhook()
    {
        var options = ConfigLoader.Parse("c.yaml", "alerts:\n  command: mail -s alphahost ops@example.com\n  webhook: http://127.0.0.1:9000/hook\n  retries: 5\n  retry_delay: 1s\n  queue_size: 10\n").Alerts;
        Assert.Equal(("mail -s alphahost ops@example.com", "http://127.0.0.1:9000/hook", 5, TimeSpan.FromSeconds(1), 10),
            (options.Command, options.Webhook, options.Retries, options.RetryDelay, options.QueueSize));

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("c.yaml", "alerts:\n  webhook: ftp://x/\n"));
        Assert.Contains("alerts.webhook", error.Message);
    }

    public void Dispose()
    {
        _receiver.Dispose();
        _dir.Dispose();
    }

    private static string Describe(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var family = root.TryGetProperty("family", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : "";
        return $"{root.GetProperty("alert").GetString()} {root.GetProperty("status").GetString()} {family}";
    }

    private ConfigStore Config(AlertOptions alerts)
    {
        var config = AlphaHostConfig.Default(_dir.File("alerts.yaml")) with { Alerts = alerts };
        return new ConfigStore(config, NullLogger<ConfigStore>.Instance);
    }

    private (AlertWatcher Watcher, AlertDispatcher Dispatcher) Alerts(ConfigStore config, HostStatus status)
    {
        var dispatcher = new AlertDispatcher(config, TimeProvider.System, _log);
        var identity = DaemonIdentity.Of(config.Current, RuntimePaths.From(config.Current), _clock);
        return (new AlertWatcher(status, config, _clock, identity, dispatcher), dispatcher);
    }

    private void Publish(HostStatus status, long cycle, FamilyState ml)
    {
        status.Publish(new CycleReport
        {
            Cycle = cycle, MarketDate = new DateOnly(2026, 11, 1).AddDays((int)cycle), FreshSymbols = 1, UniverseSize = 1, BenchmarkFresh = true,
            Families = [new("ml_alpha", true, ml == FamilyState.Quarantined, ml, true, 0, ml == FamilyState.Ok ? null : "tripped: feature_mismatch"), new("momentum", true, false, FamilyState.Ok, false, 0)],
        }, TimeSpan.FromMilliseconds(1));
        _clock.Advance(TimeSpan.FromSeconds(1));
    }

    private AlertEvent Event(string alert) => new(alert, AlertEvent.Firing, null, alert, _clock.GetUtcNow(), "HALTED", "ABSENT", [], null, 1, "c.yaml");

    /// <summary>A webhook on a free loopback port that records every POSTed body; it can answer 500 a given number of times first.</summary>
    private sealed class WebhookReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly List<string> _bodies = [];
        private int _failNext;
        private int _requests;

        public WebhookReceiver()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hook/";
            }

            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public IReadOnlyList<string> Bodies
        {
            get
            {
                lock (_bodies)
                {
                    return [.. _bodies];
                }
            }
        }

        public void FailNext(int count) => _failNext = count;

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                if (_failNext > 0)
                {
                    _failNext--;
                    context.Response.StatusCode = 500;
                }
                else
                {
                    lock (_bodies)
                    {
                        _bodies.Add(body);
                    }

                    context.Response.StatusCode = 204;
                }

                context.Response.Close();
            }
        }
    }
}
