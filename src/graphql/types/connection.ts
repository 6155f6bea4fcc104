/** Relay connection types built by one factory (metaphysics: every paged list goes through one helper). */
import type { ClassType } from "type-graphql";
import { Field, Int, ObjectType } from "type-graphql";
import type { Page } from "../../ports/catalogue-store.port.ts";
import { PageInfo } from "./page-info.type.ts";

export interface ConnectionSource<T> {
  readonly page: Page<T>;
  /** Counted only when a client asks for totalCount. */
  readonly countAll: () => Promise<number>;
}

/** `XConnection { edges { cursor node } pageInfo totalCount }` and `XEdge` for a node type. */
export function Connection<T extends object>(nodeType: ClassType<T>, noun: string) {
  const name = nodeType.name;

  @ObjectType(`${name}Edge`, { description: `One ${noun} in a page, with its cursor.` })
  class Edge {
    @Field({ description: "Opaque position of this edge; pass it as `after` or `before`." })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${noun}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${noun}s with cursors.` })
  class ConnectionType {
    @Field(() => [Edge], { description: `The ${noun}s of this page, in order.` })
    edges(this: ConnectionSource<T>): Edge[] {
      return this.page.items.map((i) => ({ cursor: i.cursor, node: i.node as T }));
    }

    @Field(() => PageInfo, { description: "Cursors and whether more pages exist." })
    pageInfo(this: ConnectionSource<T>): PageInfo {
      const items = this.page.items;
      return {
        hasNextPage: this.page.hasNextPage,
        hasPreviousPage: this.page.hasPreviousPage,
        startCursor: items[0]?.cursor ?? null,
        endCursor: items.at(-1)?.cursor ?? null,
      };
    }

    @Field(() => Int, { description: `Number of ${noun}s matching the filter, across all pages.` })
    totalCount(this: ConnectionSource<T>): Promise<number> {
      return this.countAll();
    }
  }
  edgeTypes.set(ConnectionType, Edge);
  return ConnectionType as unknown as ClassType<ConnectionSource<unknown>>;
}

const edgeTypes = new WeakMap<object, ClassType>();

/** The `XEdge` type of a connection type made by `Connection` (a created object is answered as one, to append). */
export function edgeTypeOf(connection: ClassType<ConnectionSource<unknown>>): ClassType {
  const edge = edgeTypes.get(connection);
  if (!edge) throw new Error(`${connection.name} was not made by Connection()`);
  return edge;
}

/** An instance of a connection type over a page (its fields are methods reading the page). */
export function toConnection<T>(type: ClassType<ConnectionSource<unknown>>, source: ConnectionSource<T>): ConnectionSource<T> {
  return Object.assign(new type(), source) as ConnectionSource<T>;
}
