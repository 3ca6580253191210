using System.Text.Json;

namespace Social.Api.Tests.Support;

/// <summary>What a client holds: the posts of its pages and pushes, by id, as the README tells clients to keep them.</summary>
public sealed class TimelineView
{
    private readonly SortedDictionary<string, JsonElement> _posts = new(StringComparer.Ordinal);

    public string? NewestId => _posts.Count == 0 ? null : _posts.Keys.Last();

    public IEnumerable<string> IdsNewestFirst => _posts.Keys.Reverse();

    public bool Contains(string id) => _posts.ContainsKey(id);

    public void AddPage(IEnumerable<JsonElement> posts)
    {
        foreach (var post in posts)
        {
            _posts[post.GetProperty("id").GetString()!] = post;
        }
    }

    public void Apply(IEnumerable<(string Method, JsonElement Payload)> messages)
    {
        foreach (var (method, payload) in messages)
        {
            var id = payload.GetProperty("id").GetString()!;
            if (method == "postAdded")
            {
                _posts[id] = payload;
            }
            else if (method == "postRemoved")
            {
                _posts.Remove(id);
            }
        }
    }
}
