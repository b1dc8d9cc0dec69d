import { DataTypes, QueryTypes, type Model, type ModelStatic, type Sequelize } from 'sequelize';
import { Extension } from '../../core/telephony/resources/models';
import { Device, DeviceAccount } from '../models';

type Row = Record<string, unknown>;

type Columns = { fields: Array<[string, string]>; dates: Set<string> };
const columnsOf = new WeakMap<object, Columns>();

/** Column → attribute of a model, with the attributes that are dates (SQLite returns them as text); worked out once per model definition. */
function columns(model: ModelStatic<Model>): Columns {
  const attributes = model.getAttributes();
  let found = columnsOf.get(attributes);
  if (!found) {
    found = {
      fields: Object.entries(attributes).map(([name, attribute]) => [attribute.field ?? name, name]),
      dates: new Set(Object.entries(attributes).filter(([, a]) => a.type instanceof DataTypes.DATE).map(([name]) => name)),
    };
    columnsOf.set(attributes, found);
  }
  return found;
}

function build<M extends Model>(model: ModelStatic<M>, row: Row, prefix: string): M {
  const { fields, dates } = columns(model);
  const values: Row = {};
  for (const [field, name] of fields) {
    const key = `${prefix}${field}`;
    if (!(key in row)) continue;
    const value = row[key];
    values[name] = dates.has(name) && typeof value === 'string' ? new Date(value) : value;
  }
  // raw: the values are the columns as stored (JSON text included), read through the getters.
  return model.build(values as never, { isNewRecord: false, raw: true });
}

export interface DeviceRows {
  device: Device;
  accounts: Array<{ account: DeviceAccount; extension: Extension }>;
}

/**
 * Phones with their accounts' extensions in one plain query: every configuration fetch starts
 * here, and a thousand phones rebooting at once should not pay for the ORM's join machinery,
 * nor for a query each.
 */
export async function loadDevicesByMac(sequelize: Sequelize, macs: string[]): Promise<Map<string, DeviceRows>> {
  const found = new Map<string, DeviceRows>();
  if (!macs.length) return found;
  const rows = await sequelize.query<Row>(
    `SELECT d.*, a.position AS a_position, a.extension_id AS a_extension_id,
            e.id AS e_id, e.number AS e_number, e.name AS e_name, e.sip_username AS e_sip_username, e.sip_password_sealed AS e_sip_password_sealed
       FROM provisioning_devices d
       LEFT JOIN provisioning_device_accounts a ON a.device_id = d.id
       LEFT JOIN telephony_extensions e ON e.id = a.extension_id
      WHERE d.mac IN (:macs)
      ORDER BY d.id, a.position`,
    { replacements: { macs }, type: QueryTypes.SELECT },
  );
  for (const row of rows) {
    let phone = found.get(row.mac as string);
    if (!phone) found.set(row.mac as string, (phone = { device: build(Device, row, ''), accounts: [] }));
    if (row.e_id === null || row.e_id === undefined) continue;
    phone.accounts.push({
      account: DeviceAccount.build({ deviceId: phone.device.id, position: Number(row.a_position), extensionId: Number(row.a_extension_id) }, { isNewRecord: false, raw: true }),
      extension: build(Extension, row, 'e_'),
    });
  }
  return found;
}
