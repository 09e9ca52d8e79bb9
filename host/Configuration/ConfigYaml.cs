using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AlphaHost.Host.Configuration;

/// <summary>
/// The YAML side of <see cref="ConfigLoader"/>: the file's text to one mapping of plain YAML, within size and depth
/// limits, or a <see cref="ConfigException"/> naming the file, line and column of what is wrong.
/// </summary>
internal static partial class ConfigYaml
{
    /// <summary>A configuration is a page of settings; anything larger is a mistake (or an attack on the parser).</summary>
    private const int MaxLength = 1 << 20;

    /// <summary>Deepest nesting of lists and sections, block or flow, accepted; the real config needs 4.</summary>
    private const int MaxDepth = 64;

    public static YamlMappingNode ReadRoot(string path, string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ConfigException(path, 0, "(file)", "the configuration file is empty");
        }

        if (text.Length > MaxLength)
        {
            throw new ConfigException(path, 0, "(file)", $"the configuration file is {text.Length:N0} characters, more than the {MaxLength:N0} allowed");
        }

        var stream = new YamlStream();
        var parser = new DepthLimitedParser(new Parser(new StringReader(text)), path, MaxDepth);
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // The scanner's and the parser's marks (SyntaxErrorException, SemanticErrorException) are 1-based; the
            // wrapping exception of a scanner error carries the mark of its inner one.
            var (line, column) = SyntaxLocation(text, (ex.InnerException as YamlException ?? ex).Start, parser.LastEnd);
            var problem = ex.InnerException?.Message ?? ex.Message;
            throw new ConfigException(path, line, "(syntax)", Unmarked(problem), column);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The parser's own failures on some malformed flow collections (an unclosed '[' or '{', found by the fuzz
            // corpus) carry no mark: the last event it read tells where it stood.
            var at = parser.LastEnd;
            throw new ConfigException(path, (int)at.Line, "(syntax)",
                "the YAML parser could not read on from here (an unclosed '[' or '{'?)", (int)at.Column);
        }

        if (stream.Documents.Count != 1)
        {
            throw new ConfigException(path, 0, "(file)", $"expected one YAML document, found {stream.Documents.Count}");
        }

        var root = stream.Documents[0].RootNode;
        CheckPlainYaml(path, root);
        return root as YamlMappingNode
            ?? throw new ConfigException(path, (int)root.Start.Line, "(root)", "expected sections of key: value lines");
    }

    /// <summary>
    /// Where a syntax error is. The scanner's mark, unless it points at the start of a file the parser has already read
    /// past (YamlDotNet reports a tab used as indentation at 1:1): then the first tab in a line's indentation from where
    /// the parser stood, else that place itself.
    /// </summary>
    private static (int Line, int Column) SyntaxLocation(string text, Mark reported, Mark lastRead)
    {
        if (reported.Index > 0 || lastRead.Index == 0)
        {
            return ((int)reported.Line, (int)reported.Column);
        }

        var lines = text.Split('\n');
        for (var i = (int)lastRead.Line - 1; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            if (lines[i].IndexOf('\t', 0, indent) is var tab and >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return ((int)lastRead.Line, (int)lastRead.Column);
    }

    /// <summary>
    /// Only plain YAML: no type tags (nothing is ever constructed from the file) and no anchors or aliases (a value
    /// is written where it is used, and an alias bomb cannot expand).
    /// </summary>
    private static void CheckPlainYaml(string path, YamlNode root)
    {
        var pending = new Queue<YamlNode>([root]);
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        while (pending.TryDequeue(out var node))
        {
            if (!node.Anchor.IsEmpty || !seen.Add(node))
            {
                throw new ConfigException(path, (int)node.Start.Line, "(syntax)", "anchors and aliases are not allowed; write each value where it is used");
            }

            if (!node.Tag.IsEmpty && node.Tag.Value != "!")
            {
                throw new ConfigException(path, (int)node.Start.Line, "(syntax)", $"type tags are not allowed ({node.Tag.Value}); values are read as plain text");
            }

            if (node is YamlMappingNode keyed && keyed.Children.Keys.FirstOrDefault(k => k is not YamlScalarNode) is { } complexKey)
            {
                throw new ConfigException(path, (int)complexKey.Start.Line, "(key)", "keys must be plain names");
            }

            var children = node switch
            {
                YamlMappingNode mapping => mapping.Children.SelectMany(c => new[] { c.Key, c.Value }),
                YamlSequenceNode sequence => sequence.Children,
                _ => [],
            };
            foreach (var child in children)
            {
                pending.Enqueue(child);
            }
        }
    }

    /// <summary>YamlDotNet's messages start with their own <c>(Line: 10, Col: 1, Idx: 90) - (...): </c>; the location is already in front.</summary>
    private static string Unmarked(string problem) => MarkPrefix().Replace(problem, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();
}
