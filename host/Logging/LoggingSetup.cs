using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AlphaHost.Host.Logging;

/// <summary>The host's log pipeline: <c>live.jsonl</c> (everything), <c>errors.jsonl</c> (ERROR and above), throttled console.</summary>
internal static class LoggingSetup
{
    public static readonly TimeSpan ConsoleWindow = TimeSpan.FromSeconds(5);

    public static Logger Create(string logsDir, TimeProvider clock, TextWriter console, LogEventLevel minimumLevel = LogEventLevel.Information)
    {
        Directory.CreateDirectory(logsDir);
        var formatter = new JsonLinesFormatter();
        return new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.With<ComponentEnricher>()
            .WriteTo.File(formatter, Path.Combine(logsDir, "live.jsonl"), fileSizeLimitBytes: null)
            .WriteTo.File(formatter, Path.Combine(logsDir, "errors.jsonl"), restrictedToMinimumLevel: LogEventLevel.Error, fileSizeLimitBytes: null)
            .WriteTo.Sink(new ThrottledConsoleSink(console, clock, ConsoleWindow))
            .CreateLogger();
    }
}
