using AlphaHost.Host.Logging;
using Microsoft.Extensions.Time.Testing;
using Serilog;

namespace AlphaHost.Tests.Logging;

public sealed class ThrottledConsoleSinkTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly StringWriter _console = new();

    [Fact]
    public void Emit_SameInfoTemplateWithinFiveSeconds_IsSuppressedAndCountedOnTheNextLine()
    {
        using var logger = Logger();

        logger.Information("Cycle {Cycle} done", 1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        logger.Information("Cycle {Cycle} done", 2);
        logger.Information("Cycle {Cycle} done", 3);
        _clock.Advance(TimeSpan.FromSeconds(5));
        logger.Information("Cycle {Cycle} done", 4);

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("Cycle 1 done", lines[0]);
        Assert.EndsWith("Cycle 4 done (+2 similar suppressed)", lines[1]);
    }

    [Fact]
    public void Emit_OtherTemplates_AreThrottledSeparately()
    {
        using var logger = Logger();

        logger.Information("A {X}", 1);
        logger.Information("B {X}", 1);

        Assert.Equal(2, Lines().Length);
    }

    [Fact]
    public void Emit_SameTemplateAboutOtherPluginsOrFamilies_EachShown()
    {
        using var logger = Logger();

        foreach (var plugin in new[] { "MlAlpha", "Momentum", "Regime", "Reversal", "Momentum" })
        {
            logger.Information("Plugin {Plugin} loaded", plugin);
        }

        logger.Information("Family {Family} recovered in cycle {Cycle}", "momentum", 7);
        logger.Information("Family {Family} recovered in cycle {Cycle}", "reversal", 7);

        Assert.Equal(
            ["Plugin MlAlpha loaded", "Plugin Momentum loaded", "Plugin Regime loaded", "Plugin Reversal loaded", "Family momentum recovered in cycle 7", "Family reversal recovered in cycle 7"],
            Lines().Select(l => l.Split(": ", 2)[1]));
    }

    [Fact]
    public void Emit_WarningsAndErrors_PassAtOnce()
    {
        using var logger = Logger();

        for (var i = 0; i < 3; i++)
        {
            logger.Warning("Disk {Pct} full", 90 + i);
            logger.Error("Family {Name} failed", "x");
        }

        Assert.Equal(6, Lines().Length);
        Assert.Contains("WARNING", Lines()[0]);
    }

    private string[] Lines() => _console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private Serilog.Core.Logger Logger() => new LoggerConfiguration()
        .MinimumLevel.Debug()
        .WriteTo.Sink(new ThrottledConsoleSink(_console, _clock, TimeSpan.FromSeconds(5)))
        .CreateLogger();
}
