using System.Globalization;
using System.Text.Json;

namespace AlphaHost.Host.Cycle;

/// <summary>
/// The signals of families in <c>mode: shadow</c>: computed every cycle like a live family's but left out of the combined
/// signal, and appended here instead, one line per family and cycle, to <c>runtime/signals/shadow_&lt;family&gt;_&lt;yyyyMMdd&gt;.jsonl</c>
/// (UTC day): <c>{"ts", "cycle", "market_date", "family", "state", "outcome", "detail", "models", "signals": {"AAA": 0.12}}</c>.
/// <c>state</c> is the family's state that cycle as the status spells it (<c>OK</c>, <c>DEGRADED</c>, ...), <c>detail</c>
/// why it is not OK; <c>outcome</c> is how its turn ended (<c>Ok</c>: it answered in time, <c>TimedOut</c>, <c>Failed</c>, ...).
/// </summary>
internal sealed class ShadowJournal(string signalsDir, TimeProvider clock)
{
    public void Write(long cycle, DateOnly date, IReadOnlyList<FamilyOutcome> shadows)
    {
        if (shadows.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(signalsDir);
        var now = clock.GetUtcNow();
        foreach (var outcome in shadows)
        {
            var line = JsonSerializer.SerializeToUtf8Bytes(new
            {
                ts = now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                cycle,
                market_date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                family = outcome.Name,
                state = Health.StateText.Of(outcome.State),
                outcome = outcome.Kind.ToString(),
                detail = outcome.Detail,
                models = outcome.Health.ModelVersion,
                signals = outcome.Signals.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => Math.Round(s.Value, 6)),
            });
            JsonLines.Append(Path.Combine(signalsDir, $"shadow_{outcome.Name}_{now.UtcDateTime:yyyyMMdd}.jsonl"), line, durable: false);
        }
    }
}
