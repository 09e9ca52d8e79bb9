using AlphaHost.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace AlphaHost.Host.Families;

/// <summary>
/// Hands a candidate config's changed family sections to the running families, all at once, each within its budget;
/// when one refuses, the change is rejected as a whole and the families that took theirs are put back on the settings
/// they had, so the last good config stays in force everywhere.
/// </summary>
/// <param name="budget">The time each family is given; null gives each its call budget (<c>timeout</c>, else <c>host.family_timeout</c>).</param>
internal sealed class FamilyConfigurator(ILogger logger, TimeSpan? budget = null)
{
    /// <summary>Applies <paramref name="candidate"/>'s sections to <paramref name="slots"/>: null when applied, else the first refusal (and the others undone).</summary>
    public async Task<string?> ApplyAsync(IReadOnlyList<FamilySlot> slots, AlphaHostConfig candidate)
    {
        // An instance the candidate removes (or moves to another family) is stopped once it is in force, not reconfigured.
        var changed = slots.Where(s => s.Endpoint is not null && candidate.InstancesOf(s.Export.Name).Contains(s.Name) && !candidate.Family(s.Name).SameValuesAs(s.AppliedConfig))
            .ToList();
        var results = await Task.WhenAll(changed.Select(s => s.Endpoint!.ConfigureAsync(s.SettingsFrom(candidate.Family(s.Name), candidate), budget ?? s.BudgetIn(candidate))))
            .ConfigureAwait(false);
        var refusal = results.Select(r => r.Refusal).FirstOrDefault(r => r is not null);
        for (var i = 0; i < changed.Count; i++)
        {
            var slot = changed[i];
            if (refusal is null)
            {
                slot.AppliedConfig = candidate.Family(slot.Name);
            }
            else if (results[i].Refusal is null && !results[i].Restarted)
            {
                await RollBackAsync(slot, candidate).ConfigureAwait(false);
            }

            if (results[i].Restarted)
            {
                logger.LogError("Family {Family} did not apply its new settings within its budget; its worker was stopped and starts again with them", slot.Name);
            }
        }

        return refusal;
    }

    private async Task RollBackAsync(FamilySlot slot, AlphaHostConfig candidate)
    {
        var undone = await slot.Endpoint!.ConfigureAsync(slot.SettingsFrom(slot.AppliedConfig, candidate), budget ?? slot.BudgetIn(candidate)).ConfigureAwait(false);
        if (undone.Refusal is { } refused)
        {
            logger.LogError("Family {Family} refused its previous settings while a rejected change was undone: {Reason}", slot.Name, refused);
        }
    }
}
