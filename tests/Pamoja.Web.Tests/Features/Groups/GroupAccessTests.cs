using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// No one reaches a group they do not belong to. The routes come from the app's own endpoint
/// data source, so a route added later is covered without anyone remembering to add it here.
public sealed class GroupAccessTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    private HttpClient _chair = null!;
    private Guid _groupId;
    private Guid _memberId;

    public async Task InitializeAsync()
    {
        _app = await PamojaFactory.SharedAsync();
        _chair = _app.ApiClient();
        await TestData.SignedInAsync(_chair);
        _groupId = await GroupData.CreateAsync(_chair);
        (_memberId, _, _) = await GroupData.AddActiveAsync(_app, _chair, _groupId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public sealed record Route(string Method, string Template, string? Handler, Permission Permission, bool IsPage)
    {
        public override string ToString() => $"{Method} {Template}{(Handler is null ? "" : "?handler=" + Handler)}";
    }

    /// Every (method, route) with a {groupId}: API endpoints with their methods, pages with GET
    /// and each of their POST handlers.
    private List<Route> GroupRoutes()
    {
        var routes = new List<Route>();
        var sources = _app.Services.GetRequiredService<IEnumerable<EndpointDataSource>>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().DistinctBy(e => e.DisplayName + e.RoutePattern.RawText))
        {
            var template = endpoint.RoutePattern.RawText ?? "";
            if (!endpoint.RoutePattern.Parameters.Any(p => p.Name == "groupId"))
                continue;
            var permission = endpoint.Metadata.GetMetadata<RequiresPermissionAttribute>()?.Permission ?? Permission.ViewGroup;
            var page = endpoint.Metadata.GetMetadata<PageActionDescriptor>();
            if (page is null)
            {
                foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                    routes.Add(new Route(method, template, null, permission, false));
                continue;
            }
            routes.Add(new Route("GET", template, null, permission, true));
            var modelType = PageModelType(page);
            // A handler may need more than its page (approving needs ManageMembers, viewing does not).
            var handlers = modelType.GetMethods().Where(m => m.Name.StartsWith("OnPost", StringComparison.Ordinal))
                .Select(m => (Name: m.Name["OnPost".Length..].Replace("Async", "", StringComparison.Ordinal),
                              Permission: m.GetCustomAttributes(typeof(RequiresPermissionAttribute), true).Cast<RequiresPermissionAttribute>().FirstOrDefault()?.Permission ?? permission))
                .DistinctBy(h => h.Name);
            foreach (var (name, handlerPermission) in handlers)
                routes.Add(new Route("POST", template, name.Length == 0 ? null : name, handlerPermission, true));
        }
        return routes;
    }

    /// Razor compiles each page to a class named after its path with underscores
    /// (Features_Audit_Pages_Audit), whose Model property has the page model's type; the
    /// model's OnPost* methods are the page's handlers.
    private static Type PageModelType(PageActionDescriptor page)
    {
        var generated = page.RelativePath.TrimStart('/').Replace(".cshtml", "", StringComparison.Ordinal).Replace('/', '_');
        var type = typeof(Program).Assembly.GetTypes().SingleOrDefault(t => t.Name == generated)
            ?? throw new InvalidOperationException($"No compiled page {generated}.");
        return type.GetProperty("Model")!.PropertyType;
    }

    private string Url(Route route, Guid groupId, Guid memberId)
    {
        var url = new StringBuilder();
        foreach (var segment in route.Template.Split('/'))
        {
            if (url.Length > 0 || segment.Length > 0) url.Append('/');
            if (!segment.StartsWith('{')) { url.Append(segment); continue; }
            var name = segment.Trim('{', '}').Split(':', '=', '?')[0];
            url.Append(name switch
            {
                "groupId" => groupId.ToString(),
                "memberId" => memberId.ToString(),
                // The gate answers before any handler looks the entry up, so any id will do.
                "entryId" or "payoutId" or "exceptionId" or "paymentId" => Guid.NewGuid().ToString(),
                _ => throw new InvalidOperationException($"GroupAccessTests has no value for {{{name}}} in {route}: add one."),
            });
        }
        if (route.Handler is not null) url.Append("?handler=").Append(route.Handler);
        return url.ToString().Replace("//", "/", StringComparison.Ordinal);
    }

    /// Page forms carry the browser's antiforgery token, as a real form would, so a 403 is the
    /// group check speaking and not the antiforgery filter.
    private static HttpRequestMessage Request(Route route, string url, string? antiforgery = null) => new(new HttpMethod(route.Method), url)
    {
        Content = route.Method is "GET" or "DELETE" ? null
            : route.IsPage ? new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["memberId"] = Guid.Empty.ToString(),
                ["__RequestVerificationToken"] = antiforgery ?? "",
            })
            : new StringContent("{}", Encoding.UTF8, "application/json"),
        Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
    };

    private async Task<string> FingerprintAsync(Guid groupId)
    {
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT concat_ws('|',
              (SELECT row_to_json(g)::text FROM groups g WHERE g.id = $1),
              (SELECT count(*) FROM group_rules WHERE group_id = $1),
              (SELECT string_agg(row_to_json(m)::text, ',' ORDER BY m.id) FROM group_members m WHERE m.group_id = $1),
              (SELECT count(*) FROM group_invitations WHERE group_id = $1),
              (SELECT count(*) FROM audit_log WHERE group_id = $1))
            """, db);
        cmd.Parameters.AddWithValue(groupId);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public void The_route_list_is_not_empty_so_the_matrix_tests_something()
    {
        var routes = GroupRoutes();
        Assert.True(routes.Count(r => !r.IsPage) >= 12, string.Join('\n', routes));
        Assert.True(routes.Count(r => r.IsPage && r.Method == "POST") >= 5, string.Join('\n', routes));
        Assert.Contains(routes, r => r.Template.Contains("/members", StringComparison.Ordinal) && r.Method == "POST");
    }

    [Fact]
    public async Task An_outsider_gets_404_on_every_group_route_and_changes_nothing()
    {
        // The outsider runs a group of their own, so they hold real ids — of the wrong group.
        var outsider = _app.ApiClient();
        await TestData.SignedInAsync(outsider);
        var ownGroup = await GroupData.CreateAsync(outsider);
        var ownMember = (await GroupData.MembersAsync(outsider, ownGroup))[0].GetProperty("memberId").GetGuid();
        var (browser, token) = await SignedInBrowserAsync(outsider);

        var before = await FingerprintAsync(_groupId);
        var failures = new List<string>();
        foreach (var route in GroupRoutes())
        {
            foreach (var memberId in new[] { _memberId, ownMember })
            {
                var client = route.IsPage ? browser : outsider;
                using var response = await client.SendAsync(Request(route, Url(route, _groupId, memberId), token));
                if (response.StatusCode != HttpStatusCode.NotFound)
                    failures.Add($"{route} → {(int)response.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + _app.Logs.Errors());
        Assert.Equal(before, await FingerprintAsync(_groupId));
    }

    [Fact]
    public async Task Nobody_signed_out_reaches_a_group()
    {
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        anonymous.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        var before = await FingerprintAsync(_groupId);
        foreach (var route in GroupRoutes())
        {
            using var response = await anonymous.SendAsync(Request(route, Url(route, _groupId, _memberId)));
            // API: 401. Pages: a redirect to sign in (or 404 where the page does not require sign-in first).
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect or HttpStatusCode.NotFound or HttpStatusCode.BadRequest,
                $"{route} → {(int)response.StatusCode}");
        }
        Assert.Equal(before, await FingerprintAsync(_groupId));
    }

    [Theory]
    [InlineData("member")]
    [InlineData("secretary")]
    [InlineData("treasurer")]
    public async Task A_role_gets_403_on_every_route_its_permissions_do_not_cover(string roleName)
    {
        var role = Enum.Parse<GroupRole>(roleName, ignoreCase: true);
        var (_, client, _) = await GroupData.AddActiveAsync(_app, _chair, _groupId, roleName);
        var (browser, token) = await SignedInBrowserAsync(client);
        var denied = GroupRoutes().Where(r => !RolePermissions.Allows(role, r.Permission)).ToList();
        Assert.NotEmpty(denied);

        var before = await FingerprintAsync(_groupId);
        var failures = new List<string>();
        foreach (var route in denied)
        {
            using var response = await (route.IsPage ? browser : client).SendAsync(Request(route, Url(route, _groupId, _memberId), token));
            if (response.StatusCode != HttpStatusCode.Forbidden)
                failures.Add($"{route} ({route.Permission}) → {(int)response.StatusCode}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures) + "\n" + _app.Logs.Errors());
        Assert.Equal(before, await FingerprintAsync(_groupId));
    }

    /// A cookie session for the same account as the API client, for the pages, and a valid
    /// antiforgery token for that session.
    private async Task<(HttpClient Browser, string Token)> SignedInBrowserAsync(HttpClient apiClient)
    {
        var me = await apiClient.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/v1/me");
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        var signedIn = await Forms.SubmitAsync(browser, "/account/sign-in", new Dictionary<string, string>
        {
            ["Input.Login"] = me.GetProperty("phone").GetString()!,
            ["Input.Password"] = TestData.Password,
        });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return (browser, await Forms.TokenAsync(browser, "/account/security"));
    }
}
