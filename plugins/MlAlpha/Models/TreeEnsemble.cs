using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.Trainers.FastTree;

namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>
/// A trained tree ensemble flattened into arrays for fast evaluation of one row, cheaper than ML.NET's prediction engine
/// (docs/performance.md, "The ML family": the <c>inference</c> benchmark compares the two), which is what lets every symbol
/// predict well inside a cycle's budget. It evaluates the very trees
/// ML.NET trained (numerical splits, <c>x &lt;= threshold</c> goes left, negative child indices are leaves), and a parity
/// test holds it equal to ML.NET's own prediction. Ensembles with categorical splits are not compiled (null).
/// </summary>
internal sealed class TreeEnsemble : IRowPredictor
{
    private readonly int[] _start;
    private readonly int[] _leaves;
    private readonly Node[] _slots;
    private readonly double _bias;

    private TreeEnsemble(int width, int[] start, int[] leaves, Node[] slots, double bias, double outputSpan)
    {
        Width = width;
        _start = start;
        _leaves = leaves;
        _slots = slots;
        _bias = bias;
        OutputSpan = outputSpan;
    }

    public int Width { get; }

    /// <summary>
    /// The widest its output can range over any input: the sum over trees of each tree's largest minus smallest weighted
    /// leaf. No set of rows can give predictions with a standard deviation above half of it.
    /// </summary>
    public double OutputSpan { get; }

    /// <summary>Trees in the ensemble.</summary>
    public int TreeCount => _start.Length;

    /// <summary>Node slots over all trees, as the compiled layout stores them.</summary>
    public int NodeCount => _slots.Length;

    public static TreeEnsemble? Compile(RegressionTreeEnsemble ensemble, int width)
    {
        var start = new List<int>();
        var leaves = new List<int>();
        var slots = new List<Node>();
        var weights = ensemble.TreeWeights;
        var span = 0.0;
        for (var t = 0; t < ensemble.Trees.Count; t++)
        {
            var tree = ensemble.Trees[t];
            if (tree.CategoricalSplitFlags.Any(c => c) || tree.NumberOfNodes > 127 || tree.LeafValues.Count > 128)
            {
                return null;
            }

            start.Add(slots.Count);
            for (var n = 0; n < tree.NumberOfNodes; n++)
            {
                var splitFeature = tree.NumericalSplitFeatureIndexes[n];
                if (splitFeature is < 0 or > byte.MaxValue || splitFeature >= width)
                {
                    return null;
                }

                slots.Add(new Node(tree.NumericalSplitThresholds[n], (byte)splitFeature, (sbyte)tree.LeftChild[n], (sbyte)tree.RightChild[n]));
            }

            // The tree's leaves follow its nodes, each already multiplied by the tree's weight (the same product the sum used to form).
            leaves.Add(slots.Count);
            var (low, high) = (double.PositiveInfinity, double.NegativeInfinity);
            foreach (var leaf in tree.LeafValues)
            {
                var weighted = weights[t] * leaf;
                (low, high) = (Math.Min(low, weighted), Math.Max(high, weighted));
                slots.Add(Unsafe.As<double, Node>(ref weighted));
            }

            span += tree.LeafValues.Count > 0 ? high - low : 0.0;
        }

        return new TreeEnsemble(width, [.. start], [.. leaves], [.. slots], ensemble.Bias, span);
    }

    public float Predict(ReadOnlySpan<float> x)
    {
        var sum = _bias;
        var slots = _slots;
        for (var t = 0; t < _start.Length; t++)
        {
            var first = _start[t];
            var leaves = _leaves[t];

            // Child indices are relative to the tree's first node; a negative one is ~leaf. A tree without splits is its one leaf.
            var child = first == leaves ? -1 : 0;
            while (child >= 0)
            {
                ref readonly var split = ref slots[first + child];
                child = x[split.Feature] <= split.Threshold ? split.Left : split.Right;
            }

            sum += Unsafe.As<Node, double>(ref slots[leaves + ~child]);
        }

        return (float)sum;
    }

    /// <summary>
    /// One split in 8 bytes (threshold, feature, children relative to the tree's first node), or one weighted leaf value
    /// in the same 8 bytes: a tree is one run of memory, its splits then its leaves. With 500 models a cycle streams every
    /// tree from memory, so the slot size and the tree's contiguity are what the prediction time mostly depends on.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Size = 8)]
    private readonly record struct Node(float Threshold, byte Feature, sbyte Left, sbyte Right);
}
