using System.Text.Json;
using Social.Domain.Events;
using Xunit;

namespace Social.Domain.Tests.Events;

/// <summary>An account's erasure blanks what <see cref="PersonalData"/> lists: it must list every text a person wrote or chose.</summary>
public sealed class PersonalDataTests
{
    // String fields that are not personal data: a handle is kept reserved after deletion (API.md), ids are not text.
    private static readonly HashSet<string> _notPersonal = ["handle"];

    [Theory]
    [MemberData(nameof(SampleEvents.Names), MemberType = typeof(SampleEvents))]
    public void Locations_EveryTextFieldOfEveryEvent_IsListedOrKnownNotToBePersonal(string typeName)
    {
        var e = SampleEvents.ByTypeName(typeName);
        var listed = PersonalData.Locations.Where(l => l.EventType == EventTypes.NameOf(e)).SelectMany(l => l.Fields).ToHashSet();

        var textFields = e.GetType().GetProperties().Where(p => p.PropertyType == typeof(string))
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));

        Assert.All(textFields, field => Assert.True(listed.Contains(field) || _notPersonal.Contains(field), $"{typeName}.{field} is not listed"));
    }

    [Fact]
    public void Locations_EveryListedField_AndTheOwnerField_AreInTheStoredJson()
    {
        foreach (var location in PersonalData.Locations)
        {
            var sample = SampleEvents.All.Single(e => EventTypes.NameOf(e) == location.EventType);
            using var json = JsonDocument.Parse(EventTypes.Serialize(sample));

            Assert.All([location.OwnerField, .. location.Fields], field => Assert.True(json.RootElement.TryGetProperty(field, out _), $"{location.EventType}.{field}"));
        }
    }
}
