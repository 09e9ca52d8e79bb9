namespace AlphaHost.Host.Families;

/// <summary>One rule for what a family's signals may contain, applied where the signals are read (worker or host).</summary>
internal static class SignalFilter
{
    /// <summary>
    /// Copies the finite signals of <paramref name="known"/> symbols into a new dictionary the host owns (enumerating the
    /// family's own dictionary once, inside the call's budget); counts the non-finite ones and those of other symbols.
    /// </summary>
    public static (Dictionary<string, double> Signals, int NonFinite, int Unknown) Copy(IReadOnlyDictionary<string, double>? raw, IReadOnlySet<string> known)
    {
        var signals = new Dictionary<string, double>(raw?.Count ?? 0, StringComparer.Ordinal);
        var nonFinite = 0;
        var unknown = 0;
        foreach (var (symbol, value) in raw ?? ComputeResult.NoSignals)
        {
            if (!double.IsFinite(value))
            {
                nonFinite++;
            }
            else if (symbol is null || !known.Contains(symbol))
            {
                unknown++;
            }
            else
            {
                signals[symbol] = value;
            }
        }

        return (signals, nonFinite, unknown);
    }

    /// <summary>The signals clipped to [-1, 1], in a new dictionary: what a family contributes after <see cref="Copy"/>.</summary>
    public static Dictionary<string, double> Clip(IReadOnlyDictionary<string, double> signals)
    {
        var clipped = new Dictionary<string, double>(signals.Count, StringComparer.Ordinal);
        foreach (var (symbol, value) in signals)
        {
            clipped[symbol] = Math.Clamp(value, -1.0, 1.0);
        }

        return clipped;
    }

    public static HashSet<string> Symbols(AlphaHost.Abstractions.MarketSnapshot snapshot)
    {
        var known = new HashSet<string>(snapshot.Symbols.Count, StringComparer.Ordinal);
        foreach (var symbol in snapshot.Symbols)
        {
            known.Add(symbol.Symbol);
        }

        return known;
    }
}
