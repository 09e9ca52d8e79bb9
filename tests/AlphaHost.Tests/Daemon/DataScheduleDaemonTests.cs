using System.Globalization;
using System.Text.Json;
using AlphaHost.Host.Market.Calendars;
using AlphaHost.Tests.Support;

namespace AlphaHost.Tests.Daemon;

/// <summary>A caught-up daemon says which session it waits for and until when, in the heartbeat, daemon.json and /api/status.</summary>
[Collection(ProcessCollection.Name)]
[Trait("Category", "Process")]
public sealed class DataScheduleDaemonTests : IDisposable
{
    private const int Sigterm = 15;
    private readonly TempDir _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Run_CaughtUp_HeartbeatDaemonJsonAndApiStatusNameTheNextSessionItsDueAndOverdueTimes()
    {
        var previousWeekday = Weekdays.From(DateOnly.FromDateTime(DateTime.UtcNow), -1);
        var last = Weekdays.From(previousWeekday, -2);
        var data = new BarFolderWriter(_dir.File("bars"), symbols: 6, firstDay: Weekdays.From(last, -309));
        data.Append(310);
        var config = _dir.Write("golden.yaml", TestConfigs.Golden(mlEnabled: false, cycleInterval: "20ms", heartbeat: "100ms")
            .Replace("source: sample", "source: bars").Replace("data_dir: \"\"", $"data_dir: {data.Folder}").Replace("warmup_days: 300", "warmup_days: 290")
            .Replace("max_data_delay: 30h", "max_data_delay: 240h"));
        var session = NyseCalendar.Instance.NextSession(last);
        var due = NyseCalendar.Instance.Close(session);
        var overdueAt = due + TimeSpan.FromHours(240);
        var expected = $"data=WAITING next={session:yyyy-MM-dd} due={Utc(due)} overdue_at={Utc(overdueAt)}";

        using var host = HostProcess.Start(_dir.Path, "run", "--config", config);
        var lines = await host.WaitForLogAsync(lines => lines.Any(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("data=WAITING")));
        var heartbeat = Message(lines.First(l => HostProcess.IsHeartbeat(l) && Message(l).Contains("data=WAITING")));
        await Poll.UntilAsync(() => DaemonData() is { } d && d.GetProperty("state").GetString() == "WAITING");
        var daemon = DaemonData()!.Value;
        using var daemonJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "runtime", "daemon.json")));
        _http.BaseAddress = new Uri($"http://{daemonJson.RootElement.GetProperty("http").GetProperty("listen").GetString()}/");
        using var status = JsonDocument.Parse(await _http.GetStringAsync("api/status"));
        host.SendSignal(Sigterm);
        Assert.Equal(0, await host.WaitForExitAsync());

        Assert.Contains(expected + " |", heartbeat);
        Assert.Equal(session, DateOnly.Parse(daemon.GetProperty("next").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(due, daemon.GetProperty("due").GetDateTimeOffset());
        Assert.Equal(overdueAt, daemon.GetProperty("overdue_at").GetDateTimeOffset());
        var next = status.RootElement.GetProperty("heartbeat").GetProperty("next");
        Assert.Equal(session, DateOnly.Parse(next.GetProperty("session").GetString()!, CultureInfo.InvariantCulture));
        Assert.Equal(overdueAt, next.GetProperty("overdue_at").GetDateTimeOffset());
        Assert.Equal("WAITING", status.RootElement.GetProperty("daemon").GetProperty("data").GetProperty("state").GetString());
    }

    public void Dispose()
    {
        _http.Dispose();
        _dir.Dispose();
    }

    private JsonElement? DaemonData()
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "runtime", "daemon.json")));
            return json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? data.Clone() : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Message(JsonElement line) => line.GetProperty("message").GetString()!;
}
