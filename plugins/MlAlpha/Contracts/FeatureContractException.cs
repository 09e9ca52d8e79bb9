namespace AlphaHost.Plugins.MlAlpha.Contracts;

/// <summary>A contract file that cannot be used; the message, one line, names the file and what is wrong.</summary>
internal sealed class FeatureContractException(string source, string problem) : Exception($"{source}: {problem.ReplaceLineEndings(" ")}")
{
    public string ContractFile { get; } = source;
}
