using System.Globalization;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Social.Api.Tests.Support;
using Social.Testing;
using Xunit;

namespace Social.Api.Tests.Security;

/// <summary>A host with one signed-in user and one post of theirs, for sending text that must be refused.</summary>
public sealed class TextInputFixture(StoresFixture stores) : ApiFixture(stores)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HttpClient Client, string Handle, string PostId)? _user;

    /// <summary>The user that sends the texts, and a post of theirs to comment on.</summary>
    public async Task<(HttpClient Client, string Handle, string PostId)> UserAsync()
    {
        await _gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (_user is null)
            {
                var (client, handle) = await SignUpAsync("texts");
                _user = (client, handle, await client.CreatePostIdAsync("a post to comment on"));
            }

            return _user.Value;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// API.md, "Account security": text holding control characters (line feeds aside, where allowed), bidirectional
/// overrides or isolates, or nothing visible is refused with a 400 naming the field, and nothing is written; a handle
/// is refused as sent; post and comment texts are at most 2 000 UTF-16 code units as well as 500 characters.
/// </summary>
public sealed class TextInputTests(TextInputFixture api) : IClassFixture<TextInputFixture>
{
    // Characters outside ASCII as they are, not as \u escapes, so that a long text stays under the body limit.
    private static readonly JsonSerializerOptions _unescaped = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The control characters the server used to let through: tabs and carriage returns (kept or turned into line feeds),
    // and the ones that count as white space at either end, which trimming removed before anything looked at them.
    private static readonly string[] _controlCharacters =
    [
        "tab\there",
        "\tindented",
        "carriage\rreturn",
        "windows\r\nline end",
        "ends with a carriage return\r",
        "vertical tab\u000B",
        "\u000Cform feed first",
        "next line\u0085",
    ];

    private static readonly string[] _bidiOverridesAndIsolates =
    [
        "left-to-right \u202A embedding",
        "right-to-left \u202B embedding",
        "pop \u202C directional formatting",
        "left-to-right \u202D override",
        "right-to-left \u202E override",
        "left-to-right \u2066 isolate",
        "right-to-left \u2067 isolate",
        "first strong \u2068 isolate",
        "pop \u2069 directional isolate",
    ];

    private static readonly string[] _nothingVisible =
    [
        "\u200B", // zero-width space
        "\u200B\u200C\u200D", // and the zero-width (non-)joiners
        "\u2060", // word joiner
        "\uFEFF", // zero-width no-break space
        "\u00AD", // soft hyphen
        "\u034F", // combining grapheme joiner
        "\u0301", // a combining mark without a base
        "\u0301\u0308\u20DD", // marks, an enclosing one included, still without a base
        "\uFE0F", // a variation selector
        "\u3164", // Hangul filler
        "\u2800", // Braille pattern blank
        " \u200B \u2060 ", // spaces around invisible characters
        "\U000E0020\U000E007F", // tag characters
    ];

    public static TheoryData<string> ControlCharacters => [.. _controlCharacters];

    public static TheoryData<string> BidiOverridesAndIsolates => [.. _bidiOverridesAndIsolates];

    public static TheoryData<string> NothingVisible => [.. _nothingVisible];

    /// <summary>Everything a post, a comment and a display name refuse.</summary>
    public static TheoryData<string> RefusedEverywhere => [.. _controlCharacters, .. _bidiOverridesAndIsolates, .. _nothingVisible];

    /// <summary>What a bio refuses (a bio may be empty, so "nothing visible" is not among them).</summary>
    public static TheoryData<string> RefusedInABio => [.. _controlCharacters, .. _bidiOverridesAndIsolates];

    // How the handle is mangled: {0} is a valid handle. Each of these used to be trimmed into the valid one.
    public static TheoryData<string> HandlesNotAsSent => new()
    {
        "{0}\n",
        "{0}\r\n",
        " {0}",
        "{0} ",
        "\t{0}",
        "{0}\u00A0",
        "\u3000{0}",
    };

    [Theory]
    [MemberData(nameof(ControlCharacters))]
    public async Task CreatePost_ControlCharacter_Returns400OnTextAndWritesNothing(string text) => await AssertPostRefusedAsync(text);

    [Theory]
    [MemberData(nameof(BidiOverridesAndIsolates))]
    public async Task CreatePost_BidiOverrideOrIsolate_Returns400OnTextAndWritesNothing(string text) => await AssertPostRefusedAsync(text);

    [Theory]
    [MemberData(nameof(NothingVisible))]
    public async Task CreatePost_NothingVisible_Returns400OnTextAndWritesNothing(string text) => await AssertPostRefusedAsync(text);

    [Theory]
    [MemberData(nameof(RefusedEverywhere))]
    public async Task Comment_RefusedText_Returns400OnTextAndAddsNothing(string text)
    {
        var (client, handle, postId) = await api.UserAsync();
        var (before, written) = (await api.Factory.EventsInStreamAsync($"post-{postId}"), await api.Factory.EventsAppendedByAsync(handle));

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync($"/api/posts/{postId}/comments", new { text }), "text");

        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"post-{postId}"));
        Assert.Equal(written, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Theory]
    [MemberData(nameof(RefusedEverywhere))]
    public async Task UpdateProfile_RefusedDisplayName_Returns400OnDisplayNameAndChangesNothing(string displayName)
    {
        var (client, handle, _) = await api.UserAsync();
        var before = await api.Factory.EventsInStreamAsync($"user-{handle}");

        await ApiAssert.ValidationProblemAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { displayName }), "displayName");

        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        Assert.Equal(handle.ToUpperInvariant(), ApiAssert.String(await api.CreateClient().GetUserAsync(handle), "displayName"));
    }

    [Theory]
    [MemberData(nameof(RefusedEverywhere))]
    public async Task Register_RefusedDisplayName_Returns400OnDisplayNameAndRegistersNothing(string displayName)
    {
        var handle = Handles.Unique("name");

        var response = await api.CreateClient().PostJsonAsync("/api/users", new { handle, displayName, password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ValidationProblemAsync(response, "displayName");
        await AssertNotRegisteredAsync(handle);
    }

    [Theory]
    [MemberData(nameof(RefusedInABio))]
    public async Task UpdateProfile_RefusedBio_Returns400OnBioAndChangesNothing(string bio)
    {
        var (client, handle, _) = await api.UserAsync();
        var before = await api.Factory.EventsInStreamAsync($"user-{handle}");

        await ApiAssert.ValidationProblemAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio }), "bio");

        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"user-{handle}"));
        Assert.Equal("", ApiAssert.String(await api.CreateClient().GetUserAsync(handle), "bio"));
    }

    [Fact]
    public async Task CreatePostCommentAndBio_LineFeeds_AreKept()
    {
        // A guard beside the refusals: line feeds stay allowed where the contract allows them.
        var (client, handle) = await api.SignUpAsync("lines");
        const string text = "first line\nsecond line\n\nafter a blank line";

        var post = await client.CreatePostAsync(text);
        var comment = await client.CommentAsync(ApiAssert.String(post, "id"), text);
        var user = await ApiAssert.JsonAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = text }), HttpStatusCode.OK);

        Assert.Equal(text, ApiAssert.String(post, "text"));
        Assert.Equal(text, ApiAssert.String(comment, "text"));
        Assert.Equal(text, ApiAssert.String(user, "bio"));
        Assert.Equal(text, ApiAssert.String(await api.CreateClient().GetUserAsync(handle), "bio"));
    }

    [Fact]
    public async Task UpdateProfile_EmptyBio_IsAccepted()
    {
        // A guard: unlike a post, a comment or a display name, a bio may be empty.
        var (client, _) = await api.SignUpAsync("empty_bio");
        await ApiAssert.JsonAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "something" }), HttpStatusCode.OK);

        var user = await ApiAssert.JsonAsync(await client.SendJsonAsync(HttpMethod.Patch, "/api/users/me", new { bio = "" }), HttpStatusCode.OK);

        Assert.Equal("", ApiAssert.String(user, "bio"));
    }

    [Theory]
    [MemberData(nameof(HandlesNotAsSent))]
    public async Task Register_HandleThatIsOnlyValidOnceTrimmed_Returns400OnHandleAndRegistersNothing(string format)
    {
        var handle = Handles.Unique("sent");

        var response = await api.CreateClient().PostJsonAsync("/api/users",
            new { handle = string.Format(CultureInfo.InvariantCulture, format, handle), displayName = "As Sent", password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ValidationProblemAsync(response, "handle");
        await AssertNotRegisteredAsync(handle);
    }

    [Theory]
    [MemberData(nameof(HandlesNotAsSent))]
    public async Task Token_HandleThatIsOnlyValidOnceTrimmed_Returns401(string format)
    {
        var (_, handle) = await api.SignUpAsync("sent");

        var response = await api.CreateClient().PostJsonAsync("/api/auth/token",
            new { handle = string.Format(CultureInfo.InvariantCulture, format, handle), password = SocialApiFactory.DefaultPassword });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Comment_OneLetterAnd31000CombiningMarks_Returns400OnText()
    {
        // One character as a person counts (a grapheme cluster), 31 001 UTF-16 code units, about 62 KB: under the body limit.
        var (client, _, postId) = await api.UserAsync();
        var text = "x" + new string('\u0301', 31_000);
        var before = await api.Factory.EventsInStreamAsync($"post-{postId}");

        var response = await client.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", Json(new { text }));

        await ApiAssert.ValidationProblemAsync(response, "text");
        Assert.Equal(before, await api.Factory.EventsInStreamAsync($"post-{postId}"));
    }

    [Fact]
    public async Task CommentAndPost_2000Utf16CodeUnitsAreAccepted_2001AreNot()
    {
        // "x" has no precomposed form with an acute accent, so normalization keeps every mark: one character, n + 1 units.
        var (client, handle) = await api.SignUpAsync("units");
        var postId = await client.CreatePostIdAsync();
        var fits = "x" + new string('\u0301', 1_999);
        var tooLong = "x" + new string('\u0301', 2_000);

        Assert.Equal(fits, ApiAssert.String(await client.CreatePostAsync(fits), "text"));
        Assert.Equal(fits, ApiAssert.String(await client.CommentAsync(postId, fits), "text"));
        await ApiAssert.ValidationProblemAsync(await client.SendRawAsync(HttpMethod.Post, "/api/posts", Json(new { text = tooLong })), "text");
        await ApiAssert.ValidationProblemAsync(
            await client.SendRawAsync(HttpMethod.Post, $"/api/posts/{postId}/comments", Json(new { text = tooLong })), "text");

        Assert.Equal(3, await api.Factory.EventsAppendedByAsync(handle));
    }

    [Fact]
    public async Task CreatePost_181FamilyEmoji_Returns201_And182Returns400()
    {
        // Each family emoji is one character of eleven code units: 182 of them are 2 002 units, well under 500 characters.
        const string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
        var (client, handle) = await api.SignUpAsync("units");

        await client.CreatePostAsync(string.Concat(Enumerable.Repeat(family, 181)));
        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text = string.Concat(Enumerable.Repeat(family, 182)) }), "text");

        Assert.Equal(1, await api.Factory.EventsAppendedByAsync(handle));
    }

    private async Task AssertPostRefusedAsync(string text)
    {
        var (client, handle, _) = await api.UserAsync();
        var written = await api.Factory.EventsAppendedByAsync(handle);

        await ApiAssert.ValidationProblemAsync(await client.PostJsonAsync("/api/posts", new { text }), "text");

        Assert.Equal(written, await api.Factory.EventsAppendedByAsync(handle));
    }

    private async Task AssertNotRegisteredAsync(string handle)
    {
        await ApiAssert.ProblemAsync(await api.CreateClient().GetPathAsync($"/api/users/{handle}"), HttpStatusCode.NotFound);
        Assert.Equal(0, await api.Factory.EventsInStreamAsync($"user-{handle}"));
    }

    private static string Json(object body) => JsonSerializer.Serialize(body, _unescaped);
}
