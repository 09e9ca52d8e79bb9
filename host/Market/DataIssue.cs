namespace AlphaHost.Host.Market;

/// <summary>A data problem of one symbol: a rejected row or an unusable file.</summary>
/// <param name="Symbol">The symbol (or file) concerned.</param>
/// <param name="Problem">What was wrong, with the row's date or line where known.</param>
internal sealed record DataIssue(string Symbol, string Problem);
