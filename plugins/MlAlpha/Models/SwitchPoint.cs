namespace AlphaHost.Plugins.MlAlpha.Models;

/// <summary>The points between the writes of a switch of a latest link, in the order a switch passes them.</summary>
internal enum SwitchPoint
{
    /// <summary>Validated, nothing written yet.</summary>
    BeforeJournal,

    /// <summary>The journal line is flushed; the link still names the model it came from.</summary>
    AfterJournal,

    /// <summary>The link names the new model and the folder is flushed.</summary>
    AfterLink,
}
