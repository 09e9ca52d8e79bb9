using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AlphaHost.Host.Logging;

/// <summary>The host's log pipeline: <c>live.jsonl</c> (everything), <c>errors.jsonl</c> (ERROR and above), throttled console.</summary>
internal static class LoggingSetup
{
    public static readonly TimeSpan ConsoleWindow = TimeSpan.FromSeconds(5);

    /// <param name="health">Where the file sinks report that a log file cannot be written (shown by the heartbeat).</param>
    public static Logger Create(string logsDir, TimeProvider clock, TextWriter console, LogFileHealth health, LogEventLevel minimumLevel = LogEventLevel.Information)
    {
        var formatter = new JsonLinesFormatter();
        return new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With<ComponentEnricher>()
            .WriteTo.Sink(new ResilientFileSink(Path.Combine(logsDir, "live.jsonl"), formatter, console, clock, health))
            .WriteTo.Sink(new ResilientFileSink(Path.Combine(logsDir, "errors.jsonl"), formatter, console, clock, health), LogEventLevel.Error)
            .WriteTo.Sink(new ThrottledConsoleSink(console, clock, ConsoleWindow))
            .CreateLogger();
    }
}
