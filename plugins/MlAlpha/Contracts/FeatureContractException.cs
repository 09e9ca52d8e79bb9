namespace AlphaHost.Plugins.MlAlpha.Contracts;

/// <summary>A contract file that cannot be used; the message names the file and what is wrong.</summary>
internal sealed class FeatureContractException(string source, string problem) : Exception($"{source}: {problem}")
{
    public string ContractFile { get; } = source;
}
