"""The demo catalogues: charging piles, cables, modules and installation services for 星驰;
handsets, home terminals, SIM cards and accessories for 中豫. Loaded through the services (so
every product has its history), idempotently: rows are looked up by code first."""

from decimal import Decimal

from orders import services
from orders.models import Product, ProductCategory, ProductLine

# tenant slug -> (lines, categories, products)
# categories: (code, name, parent code or None)
# products: (sku, name, spec, unit, pack, category code, line code, list price, service, kg, discontinued)
CATALOGUES = {
    "xingchi": (
        [
            ("AC", "交流桩产品线", "7–22 kW 交流充电桩"),
            ("DC", "直流桩产品线", "60–360 kW 直流快充"),
            ("PM", "电源模块", "充电模块与备件"),
            ("ACC", "线缆及配件", "充电枪、电缆、底座与充电卡"),
            ("SVC", "服务", "安装、调试与巡检"),
        ],
        [
            ("AC", "交流充电桩", None),
            ("AC-W", "壁挂式", "AC"),
            ("AC-P", "立柱式", "AC"),
            ("DC", "直流充电桩", None),
            ("DC-I", "一体式", "DC"),
            ("DC-S", "分体式", "DC"),
            ("PM", "充电模块", None),
            ("ACC", "线缆及配件", None),
            ("ACC-C", "充电枪及线缆", "ACC"),
            ("ACC-O", "安装配件", "ACC"),
            ("SVC", "安装服务", None),
        ],
        [
            (
                "XC-AC7-W",
                "7kW 交流壁挂桩",
                "单相 220V 32A，IP55，刷卡/APP 启动",
                "unit",
                1,
                "AC-W",
                "AC",
                "1680.00",
                False,
                "8.5",
                False,
            ),
            (
                "XC-AC7-W1",
                "7kW 交流壁挂桩（一代）",
                "单相 220V 32A，IP54",
                "unit",
                1,
                "AC-W",
                "AC",
                "1480.00",
                False,
                "9.2",
                True,
            ),
            (
                "XC-AC11-W",
                "11kW 三相交流壁挂桩",
                "三相 380V 16A，IP55，4G 联网",
                "unit",
                1,
                "AC-W",
                "AC",
                "2680.00",
                False,
                "10.0",
                False,
            ),
            (
                "XC-AC7-P",
                "7kW 交流立柱桩",
                "单相 220V 32A，含立柱，IP55",
                "unit",
                1,
                "AC-P",
                "AC",
                "2280.00",
                False,
                "21.0",
                False,
            ),
            (
                "XC-AC22-P",
                "22kW 三相交流立柱桩",
                "三相 380V 32A，双枪，IP55",
                "unit",
                1,
                "AC-P",
                "AC",
                "4580.00",
                False,
                "26.0",
                False,
            ),
            (
                "XC-DC60-I",
                "60kW 直流一体桩",
                "双枪，GB/T 2015，恒功率 200–1000V",
                "unit",
                1,
                "DC-I",
                "DC",
                "38000.00",
                False,
                "260",
                False,
            ),
            (
                "XC-DC120-I",
                "120kW 直流一体桩",
                "双枪，液晶屏，扫码/刷卡，IP54",
                "unit",
                1,
                "DC-I",
                "DC",
                "62000.00",
                False,
                "320",
                False,
            ),
            (
                "XC-DC160-I",
                "160kW 直流一体桩",
                "双枪，功率动态分配",
                "unit",
                1,
                "DC-I",
                "DC",
                "78000.00",
                False,
                "360",
                False,
            ),
            (
                "XC-DC360-S",
                "360kW 分体式直流主机",
                "群充主机，最多带 12 个终端",
                "unit",
                1,
                "DC-S",
                "DC",
                "168000.00",
                False,
                "1200",
                False,
            ),
            (
                "XC-DC-T1",
                "分体式充电终端（单枪）",
                "250A 枪线，7 英寸屏",
                "unit",
                1,
                "DC-S",
                "DC",
                "12800.00",
                False,
                "95",
                False,
            ),
            (
                "XC-PM20",
                "20kW 充电模块",
                "输出 200–750V，风冷",
                "piece",
                1,
                "PM",
                "PM",
                "3600.00",
                False,
                "9.5",
                False,
            ),
            (
                "XC-PM30",
                "30kW 充电模块",
                "输出 150–1000V，恒功率",
                "piece",
                1,
                "PM",
                "PM",
                "4900.00",
                False,
                "11.0",
                False,
            ),
            (
                "XC-PM40",
                "40kW 恒功率模块",
                "输出 150–1000V，液冷",
                "piece",
                1,
                "PM",
                "PM",
                "6200.00",
                False,
                "12.5",
                False,
            ),
            (
                "XC-CB-AC5",
                "国标交流充电枪线 5 米",
                "32A，7 芯，TPU 护套",
                "piece",
                5,
                "ACC-C",
                "ACC",
                "480.00",
                False,
                "3.2",
                False,
            ),
            (
                "XC-CB-DC250",
                "直流充电枪 250A（含 5 米线缆）",
                "GB/T 2015，带温度传感",
                "piece",
                1,
                "ACC-C",
                "ACC",
                "3200.00",
                False,
                "9.0",
                False,
            ),
            (
                "XC-CB-YJV35",
                "电力电缆 YJV 3×35+2×16",
                "铜芯交联聚乙烯，100 米/卷",
                "metre",
                100,
                "ACC-C",
                "ACC",
                "118.00",
                False,
                None,
                False,
            ),
            (
                "XC-ACC-PED",
                "立柱底座",
                "热镀锌，预埋螺栓",
                "piece",
                1,
                "ACC-O",
                "ACC",
                "260.00",
                False,
                "12.0",
                False,
            ),
            (
                "XC-ACC-LOCK",
                "智能车位地锁",
                "蓝牙/4G 远程升降",
                "piece",
                1,
                "ACC-O",
                "ACC",
                "680.00",
                False,
                "14.0",
                False,
            ),
            (
                "XC-ACC-RFID",
                "RFID 充电卡",
                "M1 卡，100 张/盒",
                "card",
                100,
                "ACC-O",
                "ACC",
                "3.50",
                False,
                None,
                False,
            ),
            (
                "XC-SVC-AC",
                "交流桩安装服务",
                "含 30 米内布线与通电调试",
                "service",
                1,
                "SVC",
                "SVC",
                "500.00",
                True,
                None,
                False,
            ),
            (
                "XC-SVC-DC",
                "直流桩安装调试服务",
                "基础、进线、联网与验收",
                "service",
                1,
                "SVC",
                "SVC",
                "3800.00",
                True,
                None,
                False,
            ),
            (
                "XC-SVC-INS",
                "年度巡检服务",
                "每年两次上门巡检，含报告",
                "service",
                1,
                "SVC",
                "SVC",
                "1200.00",
                True,
                None,
                False,
            ),
        ],
    ),
    "zhongyu": (
        [
            ("5G", "5G 终端", "5G 手机"),
            ("4G", "4G 终端", "4G 手机与老人机"),
            ("HOME", "家庭终端", "光猫、路由器、机顶盒"),
            ("SIM", "号卡", "手机卡与物联网卡"),
            ("ACC", "配件", "充电器与保护壳"),
        ],
        [
            ("PHONE", "手机终端", None),
            ("PHONE-5G", "5G 手机", "PHONE"),
            ("PHONE-4G", "4G 手机", "PHONE"),
            ("HOME", "家庭终端", None),
            ("HOME-NET", "光猫及路由器", "HOME"),
            ("HOME-TV", "机顶盒", "HOME"),
            ("SIM", "号卡", None),
            ("ACC", "配件", None),
        ],
        [
            (
                "ZY-5G-N12",
                "华为 nova 12 5G",
                "8GB+256GB，曜金黑",
                "unit",
                1,
                "PHONE-5G",
                "5G",
                "2699.00",
                False,
                "0.19",
                False,
            ),
            (
                "ZY-5G-X50",
                "荣耀 X50 5G",
                "12GB+256GB，雨后初晴",
                "unit",
                1,
                "PHONE-5G",
                "5G",
                "1599.00",
                False,
                "0.19",
                False,
            ),
            (
                "ZY-5G-M14",
                "小米 14 5G",
                "12GB+256GB，黑色",
                "unit",
                1,
                "PHONE-5G",
                "5G",
                "3899.00",
                False,
                "0.19",
                False,
            ),
            (
                "ZY-5G-Y100",
                "vivo Y100 5G",
                "8GB+256GB，远山青",
                "unit",
                1,
                "PHONE-5G",
                "5G",
                "1399.00",
                False,
                "0.19",
                False,
            ),
            (
                "ZY-5G-A2",
                "OPPO A2 5G",
                "8GB+128GB，静海蓝",
                "unit",
                1,
                "PHONE-5G",
                "5G",
                "1099.00",
                False,
                "0.19",
                False,
            ),
            (
                "ZY-4G-F1",
                "中兴 4G 全网通老人机",
                "大字体大音量，一键呼救",
                "unit",
                5,
                "PHONE-4G",
                "4G",
                "169.00",
                False,
                "0.11",
                False,
            ),
            (
                "ZY-4G-F0",
                "4G 功能机（旧款）",
                "双卡双待",
                "unit",
                5,
                "PHONE-4G",
                "4G",
                "129.00",
                False,
                "0.10",
                True,
            ),
            (
                "ZY-ONT-G6",
                "千兆光猫（XGS-PON，Wi-Fi 6）",
                "4 千兆网口，双频",
                "unit",
                10,
                "HOME-NET",
                "HOME",
                "268.00",
                False,
                "0.45",
                False,
            ),
            (
                "ZY-RT-AX3000",
                "Wi-Fi 6 路由器 AX3000",
                "Mesh 组网，4 千兆口",
                "unit",
                10,
                "HOME-NET",
                "HOME",
                "189.00",
                False,
                "0.40",
                False,
            ),
            (
                "ZY-STB-4K",
                "4K IPTV 机顶盒",
                "H.265，语音遥控",
                "unit",
                10,
                "HOME-TV",
                "HOME",
                "139.00",
                False,
                "0.30",
                False,
            ),
            (
                "ZY-SIM-5G",
                "5G 通用号卡（白卡）",
                "三切卡，100 张/盒",
                "card",
                100,
                "SIM",
                "SIM",
                "2.00",
                False,
                None,
                False,
            ),
            (
                "ZY-SIM-IOT",
                "NB-IoT 物联网卡",
                "工业级，100 张/盒",
                "card",
                100,
                "SIM",
                "SIM",
                "3.00",
                False,
                None,
                False,
            ),
            (
                "ZY-ACC-CHG33",
                "33W 快充充电器",
                "USB-C，含线",
                "piece",
                20,
                "ACC",
                "ACC",
                "39.00",
                False,
                "0.08",
                False,
            ),
            (
                "ZY-ACC-CASE",
                "手机保护壳（通用款）",
                "TPU，50 个/箱",
                "piece",
                50,
                "ACC",
                "ACC",
                "8.50",
                False,
                None,
                True,
            ),
        ],
    ),
}


def load_catalogue_demo(context) -> None:
    spec = CATALOGUES.get(context.tenant.slug)
    if spec is None:
        return
    admin = context.people["admin"]
    lines_spec, categories_spec, products_spec = spec
    lines = {}
    for code, name, description in lines_spec:
        line = ProductLine.objects.filter(code=code).first()
        lines[code] = line or services.save_line(
            data={"code": code, "name": name, "description": description}, by=admin
        )
    categories = {}
    for position, (code, name, parent) in enumerate(categories_spec, start=1):
        category = ProductCategory.objects.filter(code=code).first()
        categories[code] = category or services.save_category(
            data={"code": code, "name": name, "parent": categories.get(parent), "position": position * 10},
            by=admin,
        )
    for (
        sku,
        name,
        product_spec,
        unit,
        pack,
        category,
        line,
        price,
        service,
        kg,
        discontinued,
    ) in products_spec:
        if Product.objects.filter(sku=sku).exists():
            continue
        product = services.create_product(
            data={
                "sku": sku,
                "name": name,
                "spec": product_spec,
                "unit": unit,
                "pack_multiple": pack,
                "category": categories[category],
                "line": lines[line],
                "is_service": service,
                "list_price": Decimal(price),
                "weight_kg": Decimal(kg) if kg else None,
            },
            by=admin,
        )
        if discontinued:
            services.discontinue_product(product, reason="已由新款替代，停止接单。", by=admin)


# tenant slug -> [(PO number, what to do with it, [(SKU, quantity)])]; the partner user's partner
# orders them, through the services, so each has its real timeline (and the hold its approval).
DEMO_ORDERS = {
    "xingchi": [
        ("HZCY-DEMO-01", "draft", [("XC-AC7-W", 2)]),
        ("HZCY-DEMO-02", "submitted", [("XC-DC60-I", 2), ("XC-SVC-DC", 2)]),
        ("HZCY-DEMO-03", "confirmed", [("XC-AC11-W", 10), ("XC-CB-AC5", 20), ("XC-SVC-AC", 10)]),
        ("HZCY-DEMO-04", "cancelled", [("XC-PM30", 4)]),
        ("HZCY-DEMO-05", "submitted", [("XC-DC360-S", 6), ("XC-DC-T1", 12)]),  # over the limit: hold
    ],
    "zhongyu": [
        ("ZZXL-DEMO-01", "draft", [("ZY-5G-X50", 20)]),
        ("ZZXL-DEMO-02", "confirmed", [("ZY-5G-N12", 30), ("ZY-SIM-5G", 500), ("ZY-ACC-CHG33", 40)]),
        ("ZZXL-DEMO-03", "submitted", [("ZY-ONT-G6", 100), ("ZY-RT-AX3000", 50)]),
        ("ZZXL-DEMO-04", "rejected", [("ZY-4G-F1", 15)]),
    ],
}


def load_orders_demo(context) -> None:
    from channelhub.mail import no_email
    from orders.models import Order

    spec = DEMO_ORDERS.get(context.tenant.slug)
    partner = context.shared.get("demo_partner")
    if spec is None or partner is None:
        return
    buyer, desk = context.people["partner-admin"], context.people["manager"]
    products = {product.sku: product for product in Product.objects.all()}
    with no_email():
        for po_number, state, lines in spec:
            if Order.objects.filter(partner=partner, po_number=po_number).exists():
                continue
            order = services.create_order(
                partner=partner,
                lines=[services.LineInput(products[sku], quantity) for sku, quantity in lines],
                delivery_address=partner.address or "—",
                po_number=po_number,
                by=buyer,
            )
            if state == "draft":
                continue
            if state == "cancelled":
                services.cancel_order(order, reason="项目延期，先取消，后续重新下单。", by=buyer)
                continue
            order = services.submit_order(order, by=buyer)
            if state == "confirmed" and order.status == "submitted":
                services.confirm_order(order, by=desk)
            elif state == "rejected" and order.status == "submitted":
                services.reject_order(order, reason="该型号本季度停止供货，请改订 5G 机型。", by=desk)


# --- a year of stock and sell-out reports ------------------------------------------------------

# (units sold a day on average, days of cover on hand today): each status shows on the monitoring page
STOCK_PROFILES = [(1.2, 0), (2.0, 6), (0.8, 9), (1.5, 35), (0.6, 48), (0.4, 150), (1.0, 60), (3.0, 22)]


def load_inventory_demo(context) -> None:
    """A year of the demo partner's stocked SKUs through the services: weekly sell-out, a
    replenishment order each month (confirmed, shipped, received, paid) and a stock count at
    each month's end, the last one profiled so that monitoring shows every status; at 星驰 one
    confirmed order partly shipped and in transit."""
    import random
    from datetime import timedelta

    from channelhub import periods
    from channelhub.mail import no_email
    from orders.models import InventoryReport, Order, OrderStatus
    from partners.models import Region

    partner = context.shared.get("demo_partner")
    if partner is None or InventoryReport.objects.filter(partner=partner).exists():
        return
    buyer, desk = context.people["partner-admin"], context.people["manager"]
    rng = random.Random(context.tenant.slug)
    today = periods.today()
    products = list(Product.objects.filter(is_service=False, status="active").order_by("sku"))[
        : len(STOCK_PROFILES)
    ]
    regions = list(Region.objects.filter(parent=partner.region_id)) or [partner.region]
    customers = ["个人车主", "物业公司", "公交集团", "园区运营方", "4S 店", "政企客户"]
    sales, month_ends = [], []
    for week in range(52, 0, -1):
        start = today - timedelta(days=7 * week)
        for product, (rate, _cover) in zip(products, STOCK_PROFILES, strict=False):
            weekly = max(0, round(rng.gauss(rate * 7, rate * 2)))
            while weekly > 0:
                quantity = min(weekly, rng.randint(1, max(1, round(rate * 4))))
                weekly -= quantity
                sales.append(
                    services.SaleInput(
                        product=product,
                        sold_on=start + timedelta(days=rng.randint(0, 6)),
                        quantity=quantity,
                        unit_price=(product.list_price * Decimal("1.18")).quantize(Decimal("1")),
                        region=rng.choice(regions),
                        customer=rng.choice(customers),
                    )  # fmt: skip
                )
    day = periods.period_of("month", today).first - timedelta(days=1)
    while len(month_ends) < 12:
        month_ends.append(day)
        day = periods.period_of("month", day).first - timedelta(days=1)
    month_ends.reverse()
    with no_email():
        for first, last in zip([today - timedelta(days=366), *month_ends], [*month_ends, today], strict=True):
            batch = [sale for sale in sales if first < sale.sold_on <= last]
            if batch:
                services.report_sell_out(partner=partner, sales=batch, by=buyer, note="月度销售上报")
        opening = today - timedelta(days=365)  # before the first sale: a month's stock to start from
        services.report_stock(
            partner=partner, counted_on=opening, by=buyer, note="期初库存",
            quantities={product: round(rate * 30) for product, (rate, _c) in zip(products, STOCK_PROFILES, strict=False)},
        )  # fmt: skip
        for index, counted_on in enumerate(month_ends):
            # the month's replenishment, received before its count
            _replenish(
                context, partner, products, (month_ends[index - 1] if index else opening) + timedelta(days=1)
            )
            book = services.book_stock(partner, counted_on, before_counts_of_the_day=True)
            quantities = {}
            for product, (rate, cover) in zip(products, STOCK_PROFILES, strict=False):
                if index == len(month_ends) - 1:
                    sold_after = sum(
                        s.quantity for s in sales if s.product == product and s.sold_on > counted_on
                    )
                    quantities[product] = round(rate * cover) + sold_after  # today's cover as profiled
                else:  # the book figure, now and then a unit or two off
                    quantities[product] = max(
                        0, book.get(product.pk, 0) + rng.choice((0, 0, 0, 0, 1, -1, -2))
                    )
            services.report_stock(partner=partner, counted_on=counted_on, quantities=quantities, by=buyer)
        confirmed = Order.objects.filter(partner=partner, status=OrderStatus.CONFIRMED).order_by("pk").first()
        if confirmed is not None and context.tenant.slug == "xingchi":  # 中豫 keeps one confirmed
            first_line = confirmed.lines.filter(product__is_service=False).order_by("position").first()
            if first_line is not None and first_line.quantity > 1:
                services.ship_order(
                    confirmed, quantities={first_line.pk: first_line.quantity // 2}, carrier="顺丰速运",
                    tracking_number="SF1403829917", by=desk,
                )  # fmt: skip
        services.recompute_positions(today)


def _replenish(context, partner, products, day) -> None:
    """A month's worth of each SKU ordered on ``day``, confirmed, shipped the same day,
    received two days later and paid within the month (left on credit hold if it is over)."""
    from datetime import timedelta

    from channelhub import periods
    from orders.models import OrderStatus

    buyer, desk, finance = (
        context.people["partner-admin"],
        context.people["manager"],
        context.people["finance"],
    )
    lines = []
    for product, (rate, _cover) in zip(products, STOCK_PROFILES, strict=False):
        pack = product.pack_multiple
        quantity = -(-round(rate * 30) // pack) * pack
        if quantity:
            lines.append(services.LineInput(product, quantity))
    order = services.create_order(
        partner=partner, lines=lines, delivery_address=partner.address or "—", po_number=f"REPL-{day:%Y%m}",
        remarks="月度补货", by=buyer,
    )  # fmt: skip
    order = services.submit_order(order, by=buyer)
    if order.status != OrderStatus.SUBMITTED:
        return
    order = services.confirm_order(order, by=desk)
    shipment = services.ship_order(
        order, quantities={line.pk: line.quantity for line in order.lines.all()}, carrier="德邦物流",
        tracking_number=f"DB{day:%Y%m%d}{order.pk:04d}", shipped_on=day, by=desk,
    )  # fmt: skip
    services.receive_shipment(
        shipment, received={line.pk: line.quantity for line in shipment.lines.all()},
        received_on=day + timedelta(days=2), by=buyer,
    )  # fmt: skip
    services.record_payment(
        partner=partner, amount=order.total, booked_on=min(day + timedelta(days=25), periods.today()),
        reference=f"HK-{order.number}", by=finance,
    )  # fmt: skip
