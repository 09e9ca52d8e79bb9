using System.Text.RegularExpressions;
using Serilog.Events;
using Serilog.Parsing;

namespace AlphaHost.Host.Logging;

/// <summary>
/// The one way a family's log events enter the host's pipeline, from its worker process or in process alike. Each event
/// is stamped <c>origin: plugin</c> with the <c>family</c> and <c>instance</c> (also its <c>component</c>), whatever the
/// plugin set: its own properties of those names (and <c>SourceContext</c>) are moved aside to <c>plugin_&lt;name&gt;</c>,
/// and the host's tags (<c>[HEARTBEAT]</c>, <c>ML_GOVERNANCE</c>) in its message are renamed <c>plugin:&lt;tag&gt;</c>, so no
/// plugin event reads as the host's. Events beyond the family's <see cref="PluginLogBudget"/> (two token buckets: events
/// refilled with time, bytes refilled at each cycle's end) are dropped and counted; the cycle reads the count through
/// <see cref="EndCycle"/>. An event's size is its rendered message, its properties' names and values and its exception,
/// about what its line in <c>live.jsonl</c> takes less the fixed fields. Thread-safe.
/// </summary>
internal sealed partial class PluginLogGate(string family, string instance, Serilog.ILogger log, TimeProvider clock, PluginLogBudget budget)
{
    /// <summary>Property names the host owns on every event.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "SourceContext", LoggingCategories.Component, LogOrigin.Property, LogOrigin.Family, LogOrigin.Instance, ThrottledConsoleSink.AlwaysShowProperty,
    };

    private static readonly MessageTemplateParser Parser = new();
    private readonly Lock _lock = new();
    private PluginLogBudget _budget = budget;
    private double _events = budget.MaxEvents;
    private long _bytes = budget.MaxBytes;
    private DateTimeOffset _refilled = clock.GetUtcNow();
    private long _cycleDropped;
    private long _dropped;
    private long _rewritten;
    private bool _rewriteReported;

    /// <summary>Events dropped over the budget since start.</summary>
    public long Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    /// <summary>Events that carried a host-owned property name or a host tag, since start (written with them moved aside or renamed).</summary>
    public long Rewritten
    {
        get
        {
            lock (_lock)
            {
                return _rewritten;
            }
        }
    }

    /// <summary>Writes one event of the family, stamped and within its budget.</summary>
    /// <param name="template">The message template the plugin used; null when there is none (the message is then taken as text).</param>
    /// <param name="message">The message as the plugin rendered it.</param>
    /// <param name="properties">The plugin's properties: of the event, then of its scopes (a name seen first wins).</param>
    public void Write(LogEventLevel level, string? template, string message, IEnumerable<KeyValuePair<string, LogEventPropertyValue>> properties, Exception? exception)
    {
        var text = template ?? message.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
        var renamed = ReservedToken().Replace(text, $"{{$1{LogOrigin.MovedPrefix}$2$3");
        var untagged = Untag(renamed);
        var what = new List<string>();
        if (untagged != renamed)
        {
            what.Add("a host tag in its message");
        }
        var parsed = Parser.Parse(untagged);
        var inMessage = parsed.Tokens.OfType<PropertyToken>().Select(t => t.PropertyName).ToHashSet(StringComparer.Ordinal);

        var stamped = new Dictionary<string, LogEventPropertyValue>(StringComparer.Ordinal);
        long size = message.Length + (exception?.ToString().Length ?? 0);
        foreach (var (name, value) in properties)
        {
            var key = name;
            if (Reserved.Contains(name))
            {
                key = LogOrigin.MovedPrefix + name;
                what.Add(name);
            }

            var kept = value;
            if (inMessage.Contains(key) && value is ScalarValue { Value: string s } && Untag(s) is var clean && clean != s)
            {
                kept = new ScalarValue(clean);
                what.Add("a host tag in " + name);
            }

            if (stamped.TryAdd(key, kept))
            {
                size += key.Length + Size(kept);
            }
        }

        stamped["SourceContext"] = new ScalarValue(LoggingCategories.FamilyPrefix + instance);
        stamped[LoggingCategories.Component] = new ScalarValue(instance);
        stamped[LogOrigin.Property] = new ScalarValue(LogOrigin.Plugin);
        stamped[LogOrigin.Family] = new ScalarValue(family);
        stamped[LogOrigin.Instance] = new ScalarValue(instance);
        if (!Admit(size, what.Count > 0, out var reportRewrite))
        {
            return;
        }

        if (reportRewrite)
        {
            log.ForContext("SourceContext", LoggingCategories.FamilyPrefix + instance)
                .Warning("Family {Family} logged what belongs to the host ({Rewritten}); its events stay stamped as its own, such properties moved to plugin_<name> and tags renamed plugin:<tag> (counted in alphahost_plugin_log_rewritten_total)",
                    instance, string.Join(", ", what.Distinct(StringComparer.Ordinal)));
        }

        log.Write(new LogEvent(clock.GetUtcNow(), level, exception, parsed, stamped.Select(p => new LogEventProperty(p.Key, p.Value))));
    }

    /// <summary>Closes the cycle's account: returns the events dropped since the last call, adds a cycle's bytes and opens the next cycle under <paramref name="next"/>.</summary>
    public long EndCycle(PluginLogBudget next)
    {
        lock (_lock)
        {
            var dropped = _cycleDropped;
            _budget = next;
            _cycleDropped = 0;
            _bytes = Math.Min(next.MaxBytes, _bytes + next.BytesPerCycle);
            return dropped;
        }
    }

    /// <summary>The budget in force (the heartbeat's <c>log_flood</c> detail quotes it).</summary>
    public PluginLogBudget Budget
    {
        get
        {
            lock (_lock)
            {
                return _budget;
            }
        }
    }

    private bool Admit(long size, bool rewritten, out bool reportRewrite)
    {
        lock (_lock)
        {
            reportRewrite = false;
            var now = clock.GetUtcNow();
            _events = Math.Min(_budget.MaxEvents, _events + (now - _refilled).TotalSeconds * _budget.EventsPerSecond);
            _refilled = now;
            if (_events < 1 || size > _bytes)
            {
                _dropped++;
                _cycleDropped++;
                return false;
            }

            _events--;
            _bytes -= size;
            if (rewritten)
            {
                _rewritten++;
                reportRewrite = !_rewriteReported;
                _rewriteReported = true;
            }

            return true;
        }
    }

    /// <summary>The host's tags renamed, e.g. <c>[HEARTBEAT]</c> to <c>[plugin:HEARTBEAT]</c>.</summary>
    private static string Untag(string text) => HostTag().Replace(text, m => m.Groups[1].Success ? $"[plugin:{m.Groups[1].Value}]" : $"plugin:{m.Value}");

    private static long Size(LogEventPropertyValue value) => value is ScalarValue { Value: string s } ? s.Length : value.ToString().Length;

    [GeneratedRegex(@"\[(HEARTBEAT)\]|(?<![A-Za-z:])ML_GOVERNANCE", RegexOptions.IgnoreCase)]
    private static partial Regex HostTag();

    [GeneratedRegex(@"\{([@$]?)(SourceContext|component|origin|family|instance|console_always)([,:}])")]
    private static partial Regex ReservedToken();
}
