using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// Every body field of every account, group and member endpoint gets hostile values — NUL and
/// other control characters, a lone surrogate, numbers beyond decimal, long and int, the wrong
/// JSON types — and the answer is never a 5xx (api.md: "never a 500 for bad input"). Each
/// request starts from a fresh valid body, so every field is reached with the others valid.
public sealed class ApiFuzzTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    /// Raw JSON values that have broken, or could break, something below the endpoint.
    public static readonly string[] HostileValues =
    [
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\u0001\\u001f\\u007f\\u0085\\u009f\"", "\"\\u001b[31m\"", "\"\\ud800\"", "\"\\udfff\\ud800\"",
        "\"line\\nbreak\\ttab\\r\"", "\"\"", "\" \"", "\"" + new string('x', 5000) + "\"",
        "79228162514264337593543950335", "-79228162514264337593543950335", "1e400", "-1e400", "1e-400",
        "9223372036854775808", "-9223372036854775809", "2147483648", "-2147483649", "-1", "0", "0.5",
        "[]", "{}", "[\"\\u0000\"]", "{\"a\":\"\\u0000\"}", "true", "null",
    ];

    /// One endpoint: how to get a client and path ready for one request (fresh state where a
    /// successful request would use it up), a valid body, and fields absent from that body
    /// that the endpoint also reads.
    private sealed record Target(string Method, string Route, Func<Task<(HttpClient Client, string Path)>> Prepare, Func<JsonObject> Body,
        string[]? OptionalFields = null, Func<HttpClient, string, HttpResponseMessage, Task>? After = null);

    private async Task<HttpClient> SignedInAsync()
    {
        var client = _app.ApiClient();
        await TestData.SignedInAsync(client);
        return client;
    }

    private static JsonObject Obj(object o) => GroupData.Json(o);

    /// Groups to add members to: a new one every few adds, so the per-group add limit is never reached.
    private sealed class GroupPool(ApiFuzzTests test, HttpClient chair)
    {
        private Guid _group;
        private string _name = "";
        private int _used = int.MaxValue;
        private readonly SemaphoreSlim _lock = new(1, 1); // targets run concurrently

        public async Task<(Guid Id, string Name)> NextAsync()
        {
            await _lock.WaitAsync();
            try
            {
                if (_used >= 20)
                {
                    _name = "Fuzz " + Guid.NewGuid().ToString("N")[..10];
                    _group = await GroupData.CreateAsync(chair, GroupData.Json(GroupData.Stokvel(_name)).With("maxMembers", "500"));
                    _used = 0;
                }
                _used++;
                return (_group, _name);
            }
            finally
            {
                _lock.Release();
            }
        }

        public async Task<(Guid GroupId, Guid MemberId)> ActiveMemberAsync()
        {
            var (groupId, _) = await NextAsync();
            var (memberId, _, _) = await GroupData.AddActiveAsync(test._app, chair, groupId);
            return (groupId, memberId);
        }
    }

    private async Task<List<Target>> TargetsAsync()
    {
        var chair = await SignedInAsync();
        var pool = new GroupPool(this, chair);
        var settingsGroup = await GroupData.CreateAsync(chair);
        var (roleGroup, roleMember) = await pool.ActiveMemberAsync();

        async Task<(HttpClient, string)> InvitationToken()
        {
            var (groupId, name) = await pool.NextAsync();
            var phone = TestData.Phone();
            await GroupData.InviteAsync(chair, groupId, phone);
            return (_app.ApiClient(), await GroupData.InvitationTokenAsync(phone, name));
        }

        async Task<(HttpClient, string)> Pending(string change)
        {
            var (groupId, _) = await pool.NextAsync();
            var code = (await GroupData.GetAsync(chair, groupId)).GetProperty("inviteCode").GetString()!;
            var memberId = await GroupData.RequestToJoinAsync(await SignedInAsync(), code);
            return (chair, $"/api/v1/groups/{groupId}/members/{memberId}/{change}");
        }

        var (suspendGroup, suspendMember) = await pool.ActiveMemberAsync();
        var (reactivateGroup, reactivateMember) = await pool.ActiveMemberAsync();
        var reactivatePath = $"/api/v1/groups/{reactivateGroup}/members/{reactivateMember}";

        return
        [
            new("POST", "/api/v1/auth/register", () => Task.FromResult((_app.ApiClient(), "/api/v1/auth/register")),
                () => Obj(new { phone = TestData.Phone(), fullName = "Fuzz Member", password = TestData.Password, email = $"f{Guid.NewGuid():N}@example.org" })),
            new("POST", "/api/v1/auth/token", () => Task.FromResult((_app.ApiClient(), "/api/v1/auth/token")),
                () => Obj(new { login = TestData.Phone(), password = TestData.Password, code = "123456" })),
            new("POST", "/api/v1/auth/refresh", () => Task.FromResult((_app.ApiClient(), "/api/v1/auth/refresh")),
                () => Obj(new { refreshToken = "CfDJ8-not-a-real-token" })),
            new("POST", "/api/v1/auth/password-reset", () => Task.FromResult((_app.ApiClient(), "/api/v1/auth/password-reset")),
                () => Obj(new { login = TestData.Phone() })),
            new("POST", "/api/v1/auth/password-reset/confirm", () => Task.FromResult((_app.ApiClient(), "/api/v1/auth/password-reset/confirm")),
                () => Obj(new { login = TestData.Phone(), token = "ABCDE-FGHJK", newPassword = "a long new passphrase 1" })),
            new("POST", "/api/v1/me/2fa/setup", async () => (await SignedInAsync(), "/api/v1/me/2fa/setup"), () => new JsonObject()),
            new("POST", "/api/v1/me/2fa/enable", async () => (await SignedInAsync(), "/api/v1/me/2fa/enable"), () => Obj(new { code = "123456" })),
            new("POST", "/api/v1/me/2fa/disable", async () => (await SignedInAsync(), "/api/v1/me/2fa/disable"), () => Obj(new { code = "123456" })),
            new("POST", "/api/v1/groups", () => Task.FromResult((chair, "/api/v1/groups")),
                () => GroupData.Json(GroupData.Stokvel()),
                ["lateFine.percent", "timeZone", "revision", "shares.min", "shares.max", "contribution.everyDays"]),
            new("PUT", "/api/v1/groups/{groupId}/settings", () => Task.FromResult((chair, $"/api/v1/groups/{settingsGroup}/settings")),
                () => GroupData.Json(GroupData.Stokvel()),
                ["lateFine.percent", "timeZone", "revision", "shares.min", "shares.max", "contribution.everyDays"]),
            new("POST", "/api/v1/groups/{groupId}/members", async () => (chair, $"/api/v1/groups/{(await pool.NextAsync()).Id}/members"),
                () => Obj(new { phone = TestData.Phone(), fullName = "Fuzz Invitee", role = "member" })),
            new("PUT", "/api/v1/groups/{groupId}/members/{memberId}/role", () => Task.FromResult((chair, $"/api/v1/groups/{roleGroup}/members/{roleMember}/role")),
                () => Obj(new { role = "member" })),
            new("POST", "/api/v1/groups/{groupId}/members/{memberId}/suspend",
                () => Task.FromResult((chair, $"/api/v1/groups/{suspendGroup}/members/{suspendMember}/suspend")),
                () => Obj(new { reason = "Missed three meetings" }),
                After: async (client, path, response) =>
                {
                    if (response.StatusCode == HttpStatusCode.NoContent)
                        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync(path.Replace("/suspend", "/reactivate", StringComparison.Ordinal), new { })).StatusCode);
                }),
            new("POST", "/api/v1/groups/{groupId}/members/{memberId}/reactivate",
                async () =>
                {
                    Assert.Equal(HttpStatusCode.NoContent, (await chair.PostAsJsonAsync(reactivatePath + "/suspend", new { })).StatusCode);
                    return (chair, reactivatePath + "/reactivate");
                },
                () => Obj(new { reason = "Paid up" }),
                After: async (client, path, response) =>
                {
                    if (response.StatusCode != HttpStatusCode.NoContent)
                        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync(path, new { })).StatusCode);
                }),
            new("POST", "/api/v1/groups/{groupId}/members/{memberId}/approve", () => Pending("approve"), () => Obj(new { reason = "Known to us" })),
            new("POST", "/api/v1/groups/{groupId}/members/{memberId}/reject", () => Pending("reject"), () => Obj(new { reason = "Unknown to us" })),
            new("POST", "/api/v1/groups/{groupId}/members/{memberId}/remove", async () =>
                {
                    var (groupId, _) = await pool.NextAsync();
                    var memberId = await GroupData.InviteAsync(chair, groupId, TestData.Phone());
                    return (chair, $"/api/v1/groups/{groupId}/members/{memberId}/remove");
                },
                () => Obj(new { reason = "Moved away" })),
            new("POST", "/api/v1/groups/join", async () => (await SignedInAsync(), "/api/v1/groups/join"), () => Obj(new { code = "ABCD2345" })),
            new("POST", "/api/v1/invitations/accept", async () =>
                {
                    var (client, token) = await InvitationToken();
                    return (client, "/api/v1/invitations/accept#" + token);
                },
                () => Obj(new { token = "", fullName = "Fuzz Newcomer", password = "a long new passphrase 1" })),
        ];
    }

    /// Every path in the body: objects and their fields, so a whole object is replaced too.
    private static IEnumerable<string> Paths(JsonObject body, string prefix = "")
    {
        foreach (var (key, value) in body)
        {
            var path = prefix + key;
            yield return path;
            if (value is JsonObject child)
                foreach (var inner in Paths(child, path + "."))
                    yield return inner;
        }
    }

    [Fact]
    public async Task No_hostile_value_in_any_field_gets_a_5xx()
    {
        var targets = await TargetsAsync();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Task.WhenAll(targets.Select(async target =>
        {
            var body = target.Body();
            var paths = Paths(body).Concat(target.OptionalFields ?? []).Distinct().ToList();
            var cases = paths.SelectMany(p => HostileValues.Select(v => (Path: p, Value: (string?)v)))
                .Append(("(whole body)", null)).ToList();
            foreach (var (path, value) in cases)
            {
                HttpClient client;
                string url;
                try
                {
                    (client, url) = await target.Prepare();
                }
                catch (Exception ex)
                {
                    failures.Add($"{target.Method} {target.Route}: preparing the request for {path} = {Show(value)} failed: {ex.Message}");
                    return;
                }
                var request = target.Body();
                if (url.Split('#') is [var realUrl, var token])
                {
                    url = realUrl;
                    request["token"] = token; // the invitation's real token, so the other fields are reached
                }
                string json;
                if (value is null)
                    json = "\"\\u0000\"";
                else // spliced in as text: some values (a lone surrogate) are not even valid for JsonNode
                    json = request.With(path, "\"__hostile__\"").ToJsonString().Replace("\"__hostile__\"", value, StringComparison.Ordinal);
                using var content = new StringContent(json, Encoding.UTF8, "application/json");
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(target.Method), url) { Content = content });
                if ((int)response.StatusCode >= 500)
                    failures.Add($"{target.Method} {target.Route} {path} = {Show(value)} → {(int)response.StatusCode}");
                if (target.After is { } after)
                    await after(client, url, response);
            }
        }));

        Assert.True(failures.IsEmpty, string.Join('\n', failures.Order()) + "\n" + _app.Logs.Errors());
    }

    [Fact]
    public async Task Hostile_route_and_query_values_get_no_5xx()
    {
        var chair = await SignedInAsync();
        var groupId = await GroupData.CreateAsync(chair);
        var failures = new List<string>();
        foreach (var url in new[]
                 {
                     "/api/v1/invitations/%01%1F", "/api/v1/invitations/a%7Fb", "/api/v1/invitations/%ED%A0%80",
                     "/api/v1/invitations/" + new string('A', 4000),
                     $"/api/v1/groups/{groupId}/audit?limit=99999999999", $"/api/v1/groups/{groupId}/audit?limit=-5",
                     $"/api/v1/groups/{groupId}/audit?before=%00", $"/api/v1/groups/{groupId}/audit?limit=%00", $"/api/v1/groups/{groupId}/audit?before={Guid.NewGuid()}",
                 })
        {
            using var response = await chair.GetAsync(url);
            if ((int)response.StatusCode >= 500)
                failures.Add($"GET {url} → {(int)response.StatusCode}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + _app.Logs.Errors());
    }

    /// The fuzz list above names its endpoints by hand; this keeps it honest. Every POST or PUT
    /// of the accounts, groups, members and audit features must be in it.
    [Fact]
    public async Task The_fuzz_covers_every_endpoint_of_accounts_groups_and_members()
    {
        var covered = (await TargetsAsync()).Select(t => $"{t.Method} {t.Route}").ToHashSet();
        covered.Add("POST /api/v1/groups/{groupId}/leave"); // no body
        var features = new[] { "Pamoja.Web.Features.Accounts", "Pamoja.Web.Features.Groups", "Pamoja.Web.Features.Members", "Pamoja.Web.Features.Audit" };
        var missing = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<MethodInfo>()?.DeclaringType is { } type &&
                        features.Any(f => (type.Namespace ?? "").StartsWith(f, StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Method: m, Route: Route(e))))
            .Where(x => x.Method is "POST" or "PUT" or "PATCH")
            .Select(x => $"{x.Method} {x.Route}")
            .Where(r => !covered.Contains(r))
            .ToList();
        Assert.True(missing.Count == 0, "Not fuzzed: " + string.Join(", ", missing));
    }

    private static string Route(RouteEndpoint e) =>
        System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText!.TrimEnd('/'), @"\{(\w+):[^}]+\}", "{$1}");

    private static string Show(string? value) => value is null ? "(body)" : value.Length > 40 ? value[..40] + "…" : value;
}
