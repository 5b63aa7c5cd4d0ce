/**
 * Limits from Keystone's unified limits API, as oslo.limit reads them: the
 * service's endpoint (by `endpoint_id`, or discovered from the service type or
 * name, region and interface) scopes every lookup to its service and region;
 * `GET /v3/limits/model`, `/v3/registered_limits`, `/v3/limits`, and the
 * project hierarchy (`/v3/projects`) for strict-two-level, where a domain's
 * limit is its `domain_id` limit.
 *
 * @module
 */
import {
  EndpointNotFoundError,
  LimitError,
  LimitSourceError,
  ProjectNotFoundError,
} from "./errors.ts";
import type { KeystoneClient } from "./keystone_client.ts";
import {
  type EnforcementModel,
  type LimitsData,
  type LimitSource,
  normalizeModel,
} from "./limit_source.ts";

/** Which endpoint the limits are for (oslo.limit's `[oslo_limit] endpoint_*` options). */
export interface EndpointOptions {
  endpointId?: string;
  endpointServiceType?: string;
  endpointServiceName?: string;
  endpointRegionName?: string;
  /** `public` (default), `internal`, `admin`; a `URL` suffix is dropped. */
  endpointInterface?: string;
}

interface Endpoint {
  serviceId: string;
  regionId: string | undefined;
}

type Rows<K extends string, T> = { [k in K]: T[] };

/** Keystone's option that can override `[DEFAULT] list_limit` for each collection read. */
const LIST_LIMIT_SECTION: Readonly<Record<string, string>> = {
  registered_limits: "unified_limit",
  limits: "unified_limit",
  projects: "resource",
};

/** Limits read from Keystone. Lookups are remote: the enforcer caches them. */
export class KeystoneLimitSource implements LimitSource {
  readonly description: string;
  readonly cacheable = true;
  #client: KeystoneClient;
  #options: EndpointOptions;
  #endpoint: Promise<Endpoint> | undefined;
  #domains = new Set<string>();

  constructor(client: KeystoneClient, options: EndpointOptions) {
    if (!options.endpointId && !options.endpointServiceType && !options.endpointServiceName) {
      throw new TypeError(
        "Cannot read limits from Keystone: set [oslo_limit] endpoint_id, or endpoint_service_type or endpoint_service_name",
      );
    }
    this.#client = client;
    this.#options = options;
    this.description = `Keystone at ${client.url}`;
  }

  /** The endpoint's service and region, found once (a failure is retried next time). */
  endpoint(): Promise<Endpoint> {
    this.#endpoint ??= this.#findEndpoint().catch((e) => {
      this.#endpoint = undefined;
      throw e;
    });
    return this.#endpoint;
  }

  async #findEndpoint(): Promise<Endpoint> {
    const o = this.#options;
    const c = this.#client;
    if (o.endpointId) {
      const r = await c.get<{ endpoint: { service_id: string; region_id: string | null } }>(
        `/endpoints/${encodeURIComponent(o.endpointId)}`,
      );
      if (!r) {
        throw new EndpointNotFoundError(
          `Can't find endpoint for ${o.endpointId} ([oslo_limit] endpoint_id) in ${this.description}`,
        );
      }
      return { serviceId: r.endpoint.service_id, regionId: r.endpoint.region_id ?? undefined };
    }
    const what = `[oslo_limit] endpoint_service_type = ${
      o.endpointServiceType ?? "(unset)"
    }, endpoint_service_name = ${o.endpointServiceName ?? "(unset)"}`;
    const services = (await c.get<Rows<"services", { id: string }>>("/services", {
      type: o.endpointServiceType,
      name: o.endpointServiceName,
    }))?.services ?? [];
    if (services.length > 1) throw new EndpointNotFoundError(`Multiple services found for ${what}`);
    if (services.length === 0) throw new EndpointNotFoundError(`Service not found for ${what}`);
    let regionId: string | undefined;
    if (o.endpointRegionName !== undefined) {
      const region = await c.get<{ region: { id: string } }>(
        `/regions/${encodeURIComponent(o.endpointRegionName)}`,
      );
      if (!region) {
        throw new EndpointNotFoundError(
          `Region not found: [oslo_limit] endpoint_region_name = ${o.endpointRegionName}`,
        );
      }
      regionId = region.region.id;
    }
    const iface = (o.endpointInterface ?? "public").replace(/URL$/, "");
    const endpoints =
      (await c.get<Rows<"endpoints", { service_id: string; region_id: string | null }>>(
        "/endpoints",
        { service_id: services[0]!.id, region_id: regionId, interface: iface },
      ))?.endpoints ?? [];
    const where = `${what}, region ${regionId ?? "(any)"}, interface ${iface}`;
    if (endpoints.length > 1) {
      throw new EndpointNotFoundError(`Multiple endpoints found for ${where}`);
    }
    if (endpoints.length === 0) throw new EndpointNotFoundError(`Endpoint not found for ${where}`);
    return { serviceId: endpoints[0]!.service_id, regionId: endpoints[0]!.region_id ?? undefined };
  }

  /**
   * A collection, whole: Keystone marks a list cut short by its `list_limit`
   * with `truncated: true`, and a limit dropped that way would read as no
   * limit, so that is an error rather than a shorter answer.
   */
  async #list<T>(
    collection: string,
    path: string,
    query: Record<string, string | undefined> = {},
  ): Promise<T[]> {
    const r = await this.#client.get<{ truncated?: boolean } & Record<string, unknown>>(
      path,
      query,
    );
    if (r?.truncated === true) {
      const section = LIST_LIMIT_SECTION[collection];
      throw new LimitSourceError(
        this.description,
        `Keystone truncated the list of ${collection} (GET ${path}): its [DEFAULT] list_limit${
          section ? ` (or [${section}] list_limit)` : ""
        } is set; unset it or raise it above the number of ${collection}, or limits would be missed`,
        { field: collection },
      );
    }
    return (r?.[collection] as T[] | undefined) ?? [];
  }

  async model(): Promise<EnforcementModel> {
    const r = await this.#client.get<{ model: { name: string } }>("/limits/model");
    const name = r?.model?.name ?? "(none)";
    const model = normalizeModel(name);
    if (!model) {
      throw new LimitError(
        `Keystone's enforcement model ${name} is not supported (flat, strict_two_level are)`,
      );
    }
    return model;
  }

  async registeredLimit(resourceName: string): Promise<number | undefined> {
    const ep = await this.endpoint();
    const rows = await this.#list<{ default_limit: number }>(
      "registered_limits",
      "/registered_limits",
      { service_id: ep.serviceId, region_id: ep.regionId, resource_name: resourceName },
    );
    return rows[0]?.default_limit;
  }

  async projectLimit(projectId: string, resourceName: string): Promise<number | undefined> {
    const ep = await this.endpoint();
    const owner = this.#domains.has(projectId)
      ? { domain_id: projectId }
      : { project_id: projectId };
    const rows = await this.#list<{ resource_limit: number }>("limits", "/limits", {
      service_id: ep.serviceId,
      region_id: ep.regionId,
      resource_name: resourceName,
      ...owner,
    });
    return rows[0]?.resource_limit;
  }

  /**
   * Every limit of the endpoint's service and region, as a limits document
   * (for replication to edge sites): registered limits, project and domain
   * limits, and under strict-two-level every project's parent (the usage
   * store finds a project's tree from its parents only under that model).
   */
  async snapshot(): Promise<LimitsData> {
    const ep = await this.endpoint();
    const scope = { service_id: ep.serviceId, region_id: ep.regionId };
    const [model, reg, lim] = await Promise.all([
      this.model(),
      this.#list<{ resource_name: string; default_limit: number }>(
        "registered_limits",
        "/registered_limits",
        scope,
      ),
      this.#list<{
        resource_name: string;
        resource_limit: number;
        project_id: string | null;
        domain_id: string | null;
      }>("limits", "/limits", scope),
    ]);
    const registeredLimits: Record<string, number> = {};
    for (const r of reg) registeredLimits[r.resource_name] ??= r.default_limit;
    const projectLimits: Record<string, Record<string, number>> = {};
    for (const l of lim) {
      const owner = l.project_id ?? l.domain_id;
      if (owner) (projectLimits[owner] ??= {})[l.resource_name] ??= l.resource_limit;
    }
    const data: LimitsData = { model, registeredLimits, projectLimits };
    if (model === "strict-two-level") {
      const projects = await this.#list<
        { id: string; parent_id: string | null; is_domain: boolean }
      >("projects", "/projects");
      data.parents = Object.fromEntries(
        projects.filter((p) => !p.is_domain && p.parent_id).map((p) => [p.id, p.parent_id!]),
      );
    }
    return data;
  }

  async parentOf(projectId: string): Promise<string | null> {
    const r = await this.#client.get<{
      project: { parent_id: string | null; domain_id: string | null; is_domain: boolean };
    }>(`/projects/${encodeURIComponent(projectId)}`);
    if (!r) throw new ProjectNotFoundError(projectId, this.description);
    const p = r.project;
    if (p.is_domain) {
      this.#domains.add(projectId);
      return null;
    }
    if (p.parent_id && p.parent_id === p.domain_id) this.#domains.add(p.parent_id);
    return p.parent_id ?? null;
  }

  async childrenOf(projectId: string): Promise<readonly string[]> {
    const rows = await this.#list<{ id: string }>("projects", "/projects", {
      parent_id: projectId,
    });
    return rows.map((p) => p.id);
  }
}
