using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// Passes the YAML parser's events on and refuses, at the event that goes too deep, a file whose lists and sections
/// (block or flow alike) nest deeper than <paramref name="maxDepth"/>. The parser itself keeps its state on a heap
/// stack, but YamlDotNet builds the node tree by recursion, one frame per level: tens of thousands of levels
/// (<c>- - - ... x</c> on one 100 KB line) overflow the thread's stack, which kills the process. Counting on the event
/// stream sees exactly the nesting the tree builder would, costs one comparison per event and stops reading at once.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner, string path, int maxDepth) : IParser
{
    private int _depth;

    public ParsingEvent? Current => inner.Current;

    /// <summary>Where the last event read ended: where the parser stood when it failed without a mark of its own.</summary>
    public Mark LastEnd { get; private set; } = Mark.Empty;

    public bool MoveNext()
    {
        if (!inner.MoveNext())
        {
            return false;
        }

        LastEnd = inner.Current!.End;
        switch (inner.Current)
        {
            case SequenceStart or MappingStart when ++_depth > maxDepth:
                throw new ConfigException(path, (int)inner.Current.Start.Line, "(syntax)", $"lists or sections nested more than {maxDepth} deep");
            case SequenceEnd or MappingEnd:
                _depth--;
                break;
        }

        return true;
    }
}
